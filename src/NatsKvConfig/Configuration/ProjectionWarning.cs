namespace NatsKvConfig;

/// <summary>What went wrong with one entry while projecting it into configuration. Never carries a value.</summary>
internal enum ProjectionWarningKind
{
    /// <summary>The key has a malformed <c>=XX</c> escape or an empty token; the entry was skipped.</summary>
    MalformedKey,

    /// <summary>The value is not valid UTF-8; the entry was skipped and the key keeps its earlier value.</summary>
    InvalidUtf8,

    /// <summary>
    /// The value looks like JSON but the expander refuses it (does not parse, too deep, a repeated name, a lone
    /// surrogate escape); it was kept as a plain string.
    /// </summary>
    InvalidJson,

    /// <summary>
    /// The value is JSON that would expand past one of the <see cref="JsonExpansionLimits"/>; it was kept as a
    /// plain string. The detail names the limit.
    /// </summary>
    JsonOverLimit,

    /// <summary>
    /// Two keys map to the same configuration path; the higher revision wins. One warning per entry, naming
    /// its first conflicting path and how many conflict in all.
    /// </summary>
    PathConflict,
}

/// <summary>A warning about one entry, naming keys, revisions and paths only.</summary>
/// <param name="Kind">What went wrong.</param>
/// <param name="Key">The entry's key; for a conflict, the key that wins the path.</param>
/// <param name="Revision">The entry's revision; for a conflict, the winning key's.</param>
/// <param name="Detail">Why a key is malformed; for a JSON value over a limit, the limit; for a conflict, the first conflicting path.</param>
/// <param name="OtherKey">For a conflict, the key that loses the path.</param>
/// <param name="PathCount">For a conflict, how many of the entry's paths conflict.</param>
internal readonly record struct ProjectionWarning(ProjectionWarningKind Kind, string Key, ulong Revision, string? Detail = null, string? OtherKey = null, int PathCount = 1);
