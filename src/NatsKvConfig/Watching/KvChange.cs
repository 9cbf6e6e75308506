namespace NatsKvConfig;

/// <summary>One entry read from the bucket's watch: a put, or a delete or purge of a key.</summary>
/// <param name="Key">The KV key, with the source's key prefix already removed.</param>
/// <param name="Revision">The entry's revision (its stream sequence); strictly increasing per bucket.</param>
/// <param name="IsDelete">True for a delete or purge; the value is then empty and ignored.</param>
/// <param name="Value">The raw value bytes of a put; empty is a valid value, not a delete.</param>
/// <param name="Created">When the server stored the entry.</param>
internal readonly record struct KvChange(string Key, ulong Revision, bool IsDelete, ReadOnlyMemory<byte> Value, DateTimeOffset Created);
