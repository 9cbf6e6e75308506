using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;

namespace NatsKvConfig;

/// <summary>
/// Reads and writes <see cref="ConfigurationSnapshot"/> files. Writes are atomic (a temporary file, flushed to
/// disk, renamed over the old one) and readable by the owner only on Unix, since values may be secrets; a file is
/// read only if nobody else can have written it (<see cref="PrivateFile"/>). Anything unexpected on reading (a file
/// not to be trusted, truncation, corruption, another format) is reported, never thrown.
/// </summary>
/// <remarks>
/// Layout, little-endian: the magic <c>NKVCSNAP</c>, a format version, the header fields, the entries, and an
/// XxHash64 of everything before it. Strings are stored as UTF-8 (half the size of UTF-16 for the ASCII most
/// configuration is), and as UTF-16 code units only when they hold a lone surrogate (possible in a path from an
/// escaped key), so every string round-trips exactly. Since version 3 the header holds the JSON expansion limits
/// the outputs were produced under, and since version 4 how many keys have a value (so the watch can start from
/// the header alone, while the entries are parsed), and a plain key's entry is stored as its path and value alone,
/// the key being the path with '.' for ':'. Version 3 files are still read; version 1 (all strings UTF-16)
/// and 2 files too when they hold no expanded JSON; when they do, they are refused, since those versions expanded
/// JSON without limits.
/// </remarks>
internal static class SnapshotFile
{
    private const int FormatVersion = 4;
    private const int KeyCountFormatVersion = 4;
    private const int PlainEntryFormatVersion = 4;
    private const int LimitedExpansionFormatVersion = 3;
    private const int Utf16OnlyFormatVersion = 1;

    // The fewest bytes an entry takes (an empty key, its revision, no outputs), for counts read before the
    // entries: the table restored is sized by the count, so a count the file cannot hold is refused.
    private const int MinimumEntryBytes = sizeof(int) + sizeof(ulong) + sizeof(int);

    // Where an entry's key would start, in place of a string's length: a plain key's entry (path and value) follows.
    private const int PlainEntryMarker = -2;
    private const int ChecksumLength = sizeof(ulong);
    private static ReadOnlySpan<byte> Magic => "NKVCSNAP"u8;

    /// <summary>The largest snapshot file read unless the source says otherwise: 256 MiB.</summary>
    public const long DefaultMaxBytes = 256L * 1024 * 1024;

    /// <summary>
    /// Writes <paramref name="snapshot"/> to <paramref name="path"/>, replacing any earlier file atomically, readable by
    /// the owner only (see <see cref="PrivateFile.Write"/>).
    /// </summary>
    public static void Write(string path, ConfigurationSnapshot snapshot) => PrivateFile.Write(path, stream =>
    {
        var writer = new Encoder(stream);
        writer.Write(Magic);
        writer.WriteInt32(FormatVersion);
        writer.WriteString(snapshot.Bucket);
        writer.WriteString(snapshot.KeyPrefix);
        writer.WriteInt32(snapshot.JsonExpansion is null ? 0 : 1);
        if (snapshot.JsonExpansion is { } limits)
        {
            writer.WriteInt32(limits.MaxPaths);
            writer.WriteInt32(limits.MaxPathLength);
            writer.WriteInt32(limits.MaxTotalLength);
            writer.WriteInt32(limits.MaxExpansionRatio);
        }

        writer.WriteInt64(snapshot.StreamCreated.UtcTicks);
        writer.WriteUInt64(snapshot.Revision);
        writer.WriteInt64(snapshot.WrittenAt.UtcTicks);
        writer.WriteInt32(snapshot.LiveKeyCount);
        writer.WriteInt32(snapshot.Entries.Count);
        foreach (var entry in snapshot.Entries)
        {
            if (entry.PlainPath is { } plainPath && NatsKvKeyMapper.IsPlainPath(plainPath))
            {
                // A plain key's entry is its path alone: the key is the path with '.' for ':'. (Checked, as the
                // reader checks it: a path that is not a plain one is written as any entry is, key and all.)
                writer.WriteInt32(PlainEntryMarker);
                writer.WriteUInt64(entry.Revision);
                writer.WriteString(plainPath);
                writer.WriteString(entry.PlainValue);
                continue;
            }

            writer.WriteString(entry.Key);
            writer.WriteUInt64(entry.Revision);
            writer.WriteInt32(entry.Outputs.Length);
            foreach (var (outputPath, value) in entry.Outputs)
            {
                writer.WriteString(outputPath);
                writer.WriteString(value);
            }
        }

        writer.Finish();
    });

    /// <summary>
    /// Reads the snapshot at <paramref name="path"/>. Returns <see langword="false"/> with the reason when there
    /// is none, when it may not be trusted (<see cref="PrivateFile.TryRead"/>: a link, not a regular file, another
    /// owner, group or other permission bits, larger than <paramref name="maxBytes"/>), or when it is unreadable,
    /// truncated, corrupt or of another format.
    /// </summary>
    public static bool TryRead(string path, out ConfigurationSnapshot? snapshot, out string reason, long maxBytes = DefaultMaxBytes)
    {
        snapshot = null;
        if (!TryOpen(path, out var opened, out reason, maxBytes))
        {
            return false;
        }

        var entries = new EntryList(opened!.EntryCount);
        if (!TryReadEntries(opened, entries, out reason))
        {
            return false;
        }

        snapshot = new ConfigurationSnapshot(opened.Bucket, opened.KeyPrefix, opened.JsonExpansion, opened.StreamCreated, opened.Revision, opened.WrittenAt, entries);
        return true;
    }

    /// <summary>
    /// Reads the snapshot at <paramref name="path"/> and checks it whole (its checksum), but parses only its header:
    /// see <see cref="TryRead"/> for when it returns <see langword="false"/>. A file opened may still hold entries
    /// that do not parse (<see cref="TryReadEntries"/>), though only if it was written wrong: its checksum holds.
    /// </summary>
    public static bool TryOpen(string path, out OpenedSnapshot? opened, out string reason, long maxBytes = DefaultMaxBytes)
    {
        opened = null;
        if (!PrivateFile.TryRead(path, maxBytes, out var bytes, out var missing, out reason))
        {
            reason = missing ? "there is no snapshot file" : reason;
            return false;
        }

        if (bytes.Length < Magic.Length + sizeof(int) + ChecksumLength || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            reason = "it is not a NatsKvConfig snapshot";
            return false;
        }

        var body = bytes.AsSpan(0, bytes.Length - ChecksumLength);
        if (XxHash64.HashToUInt64(body) != BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(body.Length)))
        {
            reason = "its checksum does not match (truncated or corrupt)";
            return false;
        }

        try
        {
            var version = BinaryPrimitives.ReadInt32LittleEndian(body[Magic.Length..]);
            if (version is < Utf16OnlyFormatVersion or > FormatVersion || !BitConverter.IsLittleEndian)
            {
                reason = $"it has format version {version}, and this version of NatsKvConfig reads {Utf16OnlyFormatVersion} to {FormatVersion}";
                return false;
            }

            var reader = new Decoder(body[(Magic.Length + sizeof(int))..], utf16Only: version == Utf16OnlyFormatVersion);

            var bucket = reader.ReadString() ?? string.Empty;
            var keyPrefix = reader.ReadString() ?? string.Empty;
            JsonExpansionLimits? jsonExpansion = null;
            if (reader.ReadInt32() != 0)
            {
                if (version < LimitedExpansionFormatVersion)
                {
                    reason = "it was written by an earlier version of NatsKvConfig, which expanded JSON values without limits";
                    return false;
                }

                jsonExpansion = new JsonExpansionLimits
                {
                    MaxPaths = reader.ReadInt32(),
                    MaxPathLength = reader.ReadInt32(),
                    MaxTotalLength = reader.ReadInt32(),
                    MaxExpansionRatio = reader.ReadInt32(),
                };
            }

            var streamCreated = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero);
            var revision = reader.ReadUInt64();
            var writtenAt = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero);
            int? liveKeyCount = version >= KeyCountFormatVersion ? reader.ReadCount(MinimumEntryBytes) : null;
            var entryCount = reader.ReadCount(MinimumEntryBytes);
            var entries = new Range(body.Length - reader.Remaining, body.Length);
            opened = new OpenedSnapshot(bucket, keyPrefix, jsonExpansion, streamCreated, revision, writtenAt, liveKeyCount, entryCount, bytes, entries, version);
            reason = string.Empty;
            return true;
        }
        catch (Exception exception) when (exception is FormatException or ArgumentOutOfRangeException or OverflowException)
        {
            reason = "its contents are inconsistent (corrupt)";
            return false;
        }
    }

    /// <summary>
    /// Parses the entries of a snapshot <see cref="TryOpen">opened</see>, handing each to <paramref name="sink"/> as
    /// it is read. Returns <see langword="false"/> with the reason when they are inconsistent (possible only in a
    /// file written wrong, as its checksum holds); the sink then holds part of them, and is to be dropped.
    /// </summary>
    // Runs once, at start-up, over every entry: compiled fully optimized from the first call rather than
    // spending the restore in unoptimized code while tiered compilation catches up.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryReadEntries<TSink>(OpenedSnapshot opened, TSink sink, out string reason)
        where TSink : ISnapshotEntrySink
    {
        try
        {
            var reader = new Decoder(opened.Bytes[opened.Entries], utf16Only: opened.Version == Utf16OnlyFormatVersion);
            var plainEntries = opened.Version >= PlainEntryFormatVersion;
            var liveKeys = 0;
            for (var i = 0; i < opened.EntryCount; i++)
            {
                if (plainEntries && reader.TryReadMarker(PlainEntryMarker))
                {
                    var plainRevision = reader.ReadUInt64();
                    var plainPath = reader.ReadEncoded(out var plainUtf16, out var plainNull);
                    if (plainNull || plainUtf16 || !NatsKvKeyMapper.IsPlainPath(plainPath))
                    {
                        throw new FormatException("A plain key's path is not a plain path.");
                    }

                    sink.Accept(SnapshotEntry.Plain(Decoder.ToString(plainPath, utf16: false), reader.ReadString(), plainRevision));
                    liveKeys++;
                    continue;
                }

                var keyBytes = reader.ReadEncoded(out var keyUtf16, out var keyNull);
                if (keyNull)
                {
                    throw new FormatException("A key is missing.");
                }

                var keyRevision = reader.ReadUInt64();
                var outputCount = reader.ReadCount();
                liveKeys += outputCount > 0 ? 1 : 0;
                if (outputCount == 1)
                {
                    var pathBytes = reader.ReadEncoded(out var pathUtf16, out var pathNull);
                    if (pathNull)
                    {
                        throw new FormatException("A path is missing.");
                    }

                    var value = reader.ReadString();

                    // Files before version 4 store a plain key's entry as any other: kept as its path and value alone.
                    sink.Accept(!keyUtf16 && !pathUtf16 && NatsKvKeyMapper.IsPlainPair(keyBytes, pathBytes)
                        ? SnapshotEntry.Plain(Decoder.ToString(pathBytes, utf16: false), value, keyRevision)
                        : new SnapshotEntry(Decoder.ToString(keyBytes, keyUtf16), keyRevision, [new KeyValuePair<string, string?>(Decoder.ToString(pathBytes, pathUtf16), value)]));
                    continue;
                }

                var key = Decoder.ToString(keyBytes, keyUtf16);
                var outputs = new KeyValuePair<string, string?>[outputCount];
                for (var j = 0; j < outputs.Length; j++)
                {
                    var outputPath = reader.ReadString() ?? throw new FormatException("A path is missing.");
                    outputs[j] = new KeyValuePair<string, string?>(outputPath, reader.ReadString());
                }

                sink.Accept(new SnapshotEntry(key, keyRevision, outputs));
            }

            if (!reader.AtEnd)
            {
                throw new FormatException("Data follows the last entry.");
            }

            if (opened.LiveKeyCount is { } recorded && recorded != liveKeys)
            {
                throw new FormatException("The header's count of keys differs from the entries'.");
            }

            reason = string.Empty;
            return true;
        }
        catch (Exception exception) when (exception is FormatException or ArgumentOutOfRangeException or OverflowException)
        {
            reason = "its contents are inconsistent (corrupt)";
            return false;
        }
    }

    /// <summary>Collects the entries read, for <see cref="TryRead"/>.</summary>
    private sealed class EntryList(int capacity) : List<SnapshotEntry>(capacity), ISnapshotEntrySink
    {
        public void Accept(in SnapshotEntry entry) => Add(entry);
    }

    /// <summary>Buffers what is written, hashing it on the way to the stream.</summary>
    private sealed class Encoder(Stream stream)
    {
        private readonly byte[] _buffer = new byte[64 * 1024];
        private readonly XxHash64 _hash = new();
        private int _used;

        public void Write(ReadOnlySpan<byte> bytes)
        {
            while (!bytes.IsEmpty)
            {
                if (_used == _buffer.Length)
                {
                    FlushBuffer();
                }

                var take = Math.Min(bytes.Length, _buffer.Length - _used);
                bytes[..take].CopyTo(_buffer.AsSpan(_used));
                _used += take;
                bytes = bytes[take..];
            }
        }

        public void WriteInt32(int value)
        {
            Span<byte> bytes = stackalloc byte[sizeof(int)];
            BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
            Write(bytes);
        }

        public void WriteInt64(long value)
        {
            Span<byte> bytes = stackalloc byte[sizeof(long)];
            BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
            Write(bytes);
        }

        public void WriteUInt64(ulong value)
        {
            Span<byte> bytes = stackalloc byte[sizeof(ulong)];
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
            Write(bytes);
        }

        /// <summary>
        /// -1 for null; else the length in bytes shifted left by one, its low bit set for UTF-16 code units (a string
        /// with a lone surrogate, which UTF-8 cannot hold) and clear for UTF-8; then the bytes.
        /// </summary>
        /// <param name="value">The string.</param>
        public void WriteString(string? value)
        {
            if (value is null)
            {
                WriteInt32(-1);
                return;
            }

            var rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(value.Length));
            try
            {
                if (Utf8.FromUtf16(value, rented, out _, out var written, replaceInvalidSequences: false) == OperationStatus.Done)
                {
                    WriteInt32(written << 1);
                    Write(rented.AsSpan(0, written));
                }
                else
                {
                    var units = MemoryMarshal.AsBytes(value.AsSpan());
                    WriteInt32((units.Length << 1) | 1);
                    Write(units);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented, clearArray: true); // it held a value, maybe a secret
            }
        }

        public void Finish()
        {
            FlushBuffer();
            Span<byte> checksum = stackalloc byte[ChecksumLength];
            BinaryPrimitives.WriteUInt64LittleEndian(checksum, _hash.GetCurrentHashAsUInt64());
            stream.Write(checksum);
        }

        private void FlushBuffer()
        {
            _hash.Append(_buffer.AsSpan(0, _used));
            stream.Write(_buffer, 0, _used);
            _used = 0;
        }
    }

    /// <summary>Reads what <see cref="Encoder"/> wrote, checking every length against what is left.</summary>
    /// <remarks>
    /// Read once per process, over every entry: its methods are inlined into <see cref="TryReadEntries"/>, or compiled fully
    /// optimised, since tiered compilation would otherwise run all of a start-up's read in unoptimised code.
    /// </remarks>
    private ref struct Decoder(ReadOnlySpan<byte> bytes, bool utf16Only)
    {
        private readonly bool _utf16Only = utf16Only;
        private ReadOnlySpan<byte> _rest = bytes;

        public readonly bool AtEnd => _rest.IsEmpty;

        public readonly int Remaining => _rest.Length;

        /// <summary>Consumes the next four bytes if they are <paramref name="marker"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool TryReadMarker(int marker)
        {
            if (_rest.Length < sizeof(int) || BinaryPrimitives.ReadInt32LittleEndian(_rest) != marker)
            {
                return false;
            }

            _rest = _rest[sizeof(int)..];
            return true;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(sizeof(int)));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Take(sizeof(long)));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(sizeof(ulong)));

        /// <summary>
        /// A count of items that each take at least <paramref name="minimumItemBytes"/>: more than what is left can
        /// hold means corruption (and is never allocated for).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int ReadCount(int minimumItemBytes = sizeof(int))
        {
            var count = ReadInt32();
            return count < 0 || count > _rest.Length / minimumItemBytes ? throw new FormatException("A count is out of range.") : count;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public string? ReadString()
        {
            var bytes = ReadEncoded(out var utf16, out var isNull);
            return isNull ? null : ToString(bytes, utf16);
        }

        /// <summary>A string's encoded bytes, and whether they are UTF-16 code units (else UTF-8) or the string is null.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public ReadOnlySpan<byte> ReadEncoded(out bool utf16, out bool isNull)
        {
            utf16 = false;
            var header = ReadInt32();
            isNull = header == -1;
            if (isNull)
            {
                return default;
            }

            if (header < 0)
            {
                throw new FormatException("A string length is out of range.");
            }

            // Version 1: the header is the length in UTF-16 code units. Version 2: see Encoder.WriteString.
            long byteLength;
            (byteLength, utf16) = _utf16Only ? ((long)header * sizeof(char), true) : ((long)(header >> 1), (header & 1) == 1);
            if (byteLength > _rest.Length || (utf16 && byteLength % sizeof(char) != 0))
            {
                throw new FormatException("A string length is out of range.");
            }

            return Take((int)byteLength);
        }

        /// <summary>The string of <see cref="ReadEncoded"/>'s bytes.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static string ToString(ReadOnlySpan<byte> bytes, bool utf16) =>
            bytes.IsEmpty ? string.Empty
            : utf16 ? CopyToString(bytes)
            : Encoding.UTF8.GetString(bytes);

        // The span may be unaligned: new string() copies it as bytes, which needs no alignment.
        private static string CopyToString(ReadOnlySpan<byte> units) => new(MemoryMarshal.Cast<byte, char>(units));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private ReadOnlySpan<byte> Take(int length)
        {
            if (length > _rest.Length)
            {
                throw new FormatException("The snapshot ends early.");
            }

            var taken = _rest[..length];
            _rest = _rest[length..];
            return taken;
        }
    }
}
