namespace NatsKvConfig;

/// <summary>
/// The keys a client works with: all of a bucket, or only those under a key prefix. Callers use keys relative
/// to the prefix (as the provider's paths are); NATS sees full keys.
/// </summary>
internal sealed class KeySpace
{
    private readonly string? _prefixWithDot;

    public KeySpace(string? keyPrefix)
    {
        KeyPrefix = keyPrefix;
        _prefixWithDot = keyPrefix is null ? null : keyPrefix + ".";
    }

    public string? KeyPrefix { get; }

    /// <summary>The full key of a key relative to the prefix.</summary>
    public string Full(string key) => _prefixWithDot is null ? key : _prefixWithDot + key;

    /// <summary>The key relative to the prefix, when <paramref name="fullKey"/> is under it.</summary>
    public bool TryRelative(string fullKey, out string key)
    {
        if (_prefixWithDot is null)
        {
            key = fullKey;
            return true;
        }

        if (fullKey.Length > _prefixWithDot.Length && fullKey.StartsWith(_prefixWithDot, StringComparison.Ordinal))
        {
            key = fullKey[_prefixWithDot.Length..];
            return true;
        }

        key = string.Empty;
        return false;
    }

    /// <summary>The NATS subject filters that select every key of <paramref name="scope"/>: at most two (the section's own key and its children).</summary>
    public IReadOnlyList<string> Filters(SectionScope scope) => scope.SectionKey is null
        ? [_prefixWithDot is null ? ">" : _prefixWithDot + ">"]
        : [Full(scope.SectionKey), Full(scope.SectionKey) + ".>"];
}
