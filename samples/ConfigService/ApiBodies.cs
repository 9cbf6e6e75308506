using NatsKvConfig;

namespace ConfigService;

/// <summary>A key as the API returns it: <c>{"key", "path", "value", "revision", "operation", "created"}</c>.</summary>
internal sealed record EntryBody(string Key, string? Path, string? Value, ulong Revision, string Operation, DateTimeOffset Created)
{
    public static EntryBody From(NatsKvConfigEntry entry) =>
        new(entry.Key, entry.Path, entry.Value, entry.Revision, entry.Operation.ToString().ToLowerInvariant(), entry.Created);
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
