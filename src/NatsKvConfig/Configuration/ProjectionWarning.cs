namespace NatsKvConfig;

/// <summary>What went wrong with one entry while projecting it into configuration. Never carries a value.</summary>
internal enum ProjectionWarningKind
{
    /// <summary>The key has a malformed <c>=XX</c> escape or an empty token; the entry was skipped.</summary>
    MalformedKey,

    /// <summary>The value is not valid UTF-8; the entry was skipped and the key keeps its earlier value.</summary>
    InvalidUtf8,

    /// <summary>The value looks like JSON but does not parse; it was kept as a plain string.</summary>
    InvalidJson,

    /// <summary>Two keys map to the same configuration path; the higher revision wins.</summary>
    PathConflict,
}

/// <summary>A warning about one entry, naming keys and revisions only.</summary>
internal readonly record struct ProjectionWarning(ProjectionWarningKind Kind, string Key, ulong Revision, string? Detail = null, string? OtherKey = null);
