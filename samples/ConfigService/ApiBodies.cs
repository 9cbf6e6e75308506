using NatsKvConfig;

namespace ConfigService;

/// <summary>
/// A key as the API returns it: <c>{"key", "path", "value", "revision", "operation", "created"}</c>. Every endpoint
/// writes <c>created</c> the same way: UTC, ISO 8601 with milliseconds (<c>2026-12-06T07:09:38.123Z</c>), which
/// every JSON reader and <c>Date.parse</c> take; the server's own clock is finer, but a key's revision orders changes.
/// </summary>
internal sealed record EntryBody(string Key, string? Path, string? Value, ulong Revision, string Operation, string Created)
{
    public static EntryBody From(NatsKvConfigEntry entry) =>
        new(entry.Key, entry.Path, entry.Value, entry.Revision, entry.Operation.ToString().ToLowerInvariant(), Timestamp(entry.Created));

    /// <summary>The one format of a time in the API.</summary>
    public static string Timestamp(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// What a write returns: the key written (the one holding the path, whatever case it was typed in), its new
/// revision, and the other keys holding the same path (keys differing only in case), if any.
/// </summary>
internal sealed record RevisionBody(string Key, string Path, ulong Revision, IReadOnlyList<string> OtherKeys);

/// <summary>
/// What a rollback returns: the revision restored from, the key's revision now (null once deleted), whether anything
/// was written, and whether the rollback deleted the key (only with <c>allowDelete=true</c>).
/// </summary>
internal sealed record RollbackBody(string Key, string Path, ulong RolledBackTo, ulong? Revision, bool Changed, bool Deleted);
