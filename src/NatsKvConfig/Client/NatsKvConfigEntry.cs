using System.Text;

namespace NatsKvConfig;

/// <summary>One revision of one key: its current value, or an entry of its history.</summary>
/// <remarks><see cref="ToString"/> leaves the value out, so an entry can be logged.</remarks>
public sealed class NatsKvConfigEntry
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    internal NatsKvConfigEntry(string key, ulong revision, NatsKvConfigOperation operation, byte[] rawValue, DateTimeOffset created)
    {
        Key = key;
        Path = NatsKvKeyMapper.TryToPath(key, out var path) ? path : null;
        Revision = revision;
        Operation = operation;
        RawValue = rawValue;
        Created = created;
        Value = operation == NatsKvConfigOperation.Put ? Utf8.GetString(rawValue) : null;
    }

    /// <summary>The NATS key, relative to the client's key prefix.</summary>
    public string Key { get; }

    /// <summary>The configuration path of <see cref="Key"/>, or <see langword="null"/> when the mapping cannot read the key.</summary>
    public string? Path { get; }

    /// <summary>
    /// The value, as UTF-8 text (bytes that are not UTF-8 read as U+FFFD); <see langword="null"/> for a delete or purge.
    /// A value that is a JSON object or array is as stored: the provider expands it into child paths.
    /// </summary>
    public string? Value { get; }

    /// <summary>The revision: the bucket-wide sequence number of this write.</summary>
    public ulong Revision { get; }

    /// <summary>When the server stored this revision.</summary>
    public DateTimeOffset Created { get; }

    /// <summary>Whether this revision put a value, deleted or purged the key.</summary>
    public NatsKvConfigOperation Operation { get; }

    /// <summary>The value's bytes as stored, written back unchanged by rollbacks.</summary>
    internal byte[] RawValue { get; }

    internal bool IsLive => Operation == NatsKvConfigOperation.Put;

    /// <summary>The key, revision and operation (never the value).</summary>
    /// <returns>Text such as <c>database.host@12 (Put)</c>.</returns>
    public override string ToString() => $"{Key}@{Revision} ({Operation})";
}
