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

    /// <summary>An entry read from the bucket by a watch of our own (the replay of <c>/events</c>), as the client would return it.</summary>
    public static EntryBody From(NATS.Client.KeyValueStore.NatsKVEntry<byte[]> entry)
    {
        var operation = entry.Operation switch
        {
            NATS.Client.KeyValueStore.NatsKVOperation.Del => NatsKvConfigOperation.Delete,
            NATS.Client.KeyValueStore.NatsKVOperation.Purge => NatsKvConfigOperation.Purge,
            _ => NatsKvConfigOperation.Put,
        };
        var value = operation == NatsKvConfigOperation.Put ? System.Text.Encoding.UTF8.GetString(entry.Value ?? []) : null;
        var path = NatsKvKeyMapper.TryToPath(entry.Key, out var mapped) ? mapped : null;
        return new(entry.Key, path, value, entry.Revision, operation.ToString().ToLowerInvariant(), Timestamp(entry.Created));
    }

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
