using System.Text;

namespace NatsKvConfig;

/// <summary>
/// One change of a <see cref="NatsKvConfigPlan"/>: a key to add, update or delete, with its value before and after.
/// </summary>
/// <remarks>
/// Applying it is a compare-and-swap on <see cref="ExpectedRevision"/>: if the key moved since the plan was made,
/// applying fails with <see cref="NatsKvRevisionConflictException"/> instead of overwriting the newer value.
/// <see cref="ToString"/> leaves the values out, so a change can be logged.
/// </remarks>
public sealed class NatsKvConfigChange
{
    internal NatsKvConfigChange(NatsKvConfigChangeKind kind, string key, string? oldValue, byte[]? newValue, ulong expectedRevision)
    {
        Kind = kind;
        Key = key;
        Path = NatsKvKeyMapper.TryToPath(key, out var path) ? path : null;
        OldValue = oldValue;
        NewRawValue = newValue;
        NewValue = newValue is null ? null : Encoding.UTF8.GetString(newValue);
        ExpectedRevision = expectedRevision;
    }

    /// <summary>Add, update or delete.</summary>
    public NatsKvConfigChangeKind Kind { get; }

    /// <summary>The NATS key, relative to the client's key prefix.</summary>
    public string Key { get; }

    /// <summary>The configuration path of <see cref="Key"/>, or <see langword="null"/> when the mapping cannot read the key.</summary>
    public string? Path { get; }

    /// <summary>The value now, as stored; <see langword="null"/> for an <see cref="NatsKvConfigChangeKind.Add"/>.</summary>
    public string? OldValue { get; }

    /// <summary>The value to write, as it will be stored; <see langword="null"/> for a <see cref="NatsKvConfigChangeKind.Delete"/>.</summary>
    public string? NewValue { get; }

    /// <summary>
    /// The key's revision when the plan was made (a delete marker's included): the write only succeeds if the key is
    /// still there. 0 when the key had no entry at all.
    /// </summary>
    public ulong ExpectedRevision { get; }

    /// <summary>The exact bytes to write (a rollback writes back what was stored, byte for byte).</summary>
    internal byte[]? NewRawValue { get; }

    /// <summary>The kind, key and expected revision (never the values).</summary>
    /// <returns>Text such as <c>Update database.host (at revision 12)</c>.</returns>
    public override string ToString() => $"{Kind} {Key} (at revision {ExpectedRevision})";
}
