namespace NatsKvConfig;

/// <summary>
/// One configuration entry's address: its NATS KV key (relative to the client's key prefix) and the
/// configuration path it maps to, always both, always consistent (<see cref="NatsKvKeyMapper"/>).
/// </summary>
/// <remarks>
/// Make one from a configuration path (<see cref="FromPath"/>), from a NATS key (<see cref="FromKey"/>), or
/// from either (<see cref="Parse"/>; <see cref="TryParse"/> for text a user typed): text containing <c>:</c> is a
/// configuration path, anything else a NATS key. So <c>database:host</c> and <c>database.host</c> are the same
/// entry, and <c>Logging:LogLevel:Microsoft.AspNetCore</c> is the key <c>Logging.LogLevel.Microsoft=2EAspNetCore</c>.
/// A one-segment path holding characters a key cannot (<c>my setting</c>) needs <see cref="FromPath"/>. There is
/// no implicit conversion from <see cref="string"/>: not every text names an entry, and a conversion must not throw.
/// </remarks>
public sealed class NatsKvConfigKey : IEquatable<NatsKvConfigKey>
{
    private NatsKvConfigKey(string key, string path)
    {
        Key = key;
        Path = path;
    }

    /// <summary>The NATS KV key, relative to the client's key prefix, such as <c>database.host</c>.</summary>
    public string Key { get; }

    /// <summary>The configuration path, such as <c>database:host</c>.</summary>
    public string Path { get; }

    /// <summary>The entry at configuration path <paramref name="path"/>.</summary>
    /// <param name="path">A configuration path such as <c>Logging:LogLevel:Default</c>; not empty.</param>
    /// <returns>The entry's address.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    public static NatsKvConfigKey FromPath(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new NatsKvConfigKey(NatsKvKeyMapper.ToKey(path), path);
    }

    /// <summary>The entry at NATS KV key <paramref name="key"/> (relative to the client's key prefix).</summary>
    /// <param name="key">A key such as <c>database.host</c>.</param>
    /// <returns>The entry's address.</returns>
    /// <exception cref="ArgumentException">
    /// The key is not one NATS accepts or the key mapping can read; the message names the key and the
    /// allowed characters.
    /// </exception>
    public static NatsKvConfigKey FromKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return TryFromKey(key, out var result, out var error) ? result : throw new ArgumentException(error, nameof(key));
    }

    /// <summary>
    /// The entry named by <paramref name="keyOrPath"/>: a configuration path when it contains <c>:</c>,
    /// otherwise a NATS key.
    /// </summary>
    /// <param name="keyOrPath">A key (<c>database.host</c>) or a path (<c>database:host</c>).</param>
    /// <returns>The entry's address.</returns>
    /// <exception cref="ArgumentException">The text is empty, or is neither a path nor a valid key; the message says why.</exception>
    public static NatsKvConfigKey Parse(string keyOrPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyOrPath);
        return TryParse(keyOrPath, out var result, out var error) ? result : throw new ArgumentException(error, nameof(keyOrPath));
    }

    /// <summary>Like <see cref="Parse"/>, without throwing.</summary>
    /// <param name="keyOrPath">A key or a path.</param>
    /// <param name="result">The entry's address, when the text names one.</param>
    /// <param name="error">Why it does not, otherwise: names the text and the allowed characters.</param>
    /// <returns><see langword="true"/> when the text names an entry.</returns>
    public static bool TryParse(string? keyOrPath, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out NatsKvConfigKey? result, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        if (string.IsNullOrEmpty(keyOrPath))
        {
            result = null;
            error = "A key or configuration path is required; it is empty.";
            return false;
        }

        if (keyOrPath.Contains(':', StringComparison.Ordinal))
        {
            result = new NatsKvConfigKey(NatsKvKeyMapper.ToKey(keyOrPath), keyOrPath);
            error = null;
            return true;
        }

        return TryFromKey(keyOrPath, out result, out error);
    }

    /// <inheritdoc />
    public bool Equals(NatsKvConfigKey? other) => other is not null && string.Equals(Key, other.Key, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as NatsKvConfigKey);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Key);

    /// <summary>The NATS key.</summary>
    /// <returns><see cref="Key"/>.</returns>
    public override string ToString() => Key;

    internal static bool TryFromKey(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out NatsKvConfigKey? result, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        result = null;
        if (!NatsKvKeyMapper.IsValidKey(key))
        {
            error = $"'{key}' is not a valid NATS KV key: use tokens of {NatsKvKeyMapper.AllowedKeyCharacters}, separated by single dots (or give a configuration path with ':').";
            return false;
        }

        if (!NatsKvKeyMapper.TryToPath(key, out var path, out var reason))
        {
            error = $"'{key}' is not a key the configuration mapping can read: {reason}. Allowed: {NatsKvKeyMapper.AllowedKeyCharacters}, with '=XX' escapes.";
            return false;
        }

        result = new NatsKvConfigKey(key, path);
        error = null;
        return true;
    }
}
