using System.Collections;

namespace NatsKvConfig;

/// <summary>
/// The entries of a full state as they stream in, copied into a few large blocks of unmanaged memory: the watch's
/// own key string and value array of each entry die young, and the garbage collector has nothing of the state to
/// trace, copy or count while the read goes on. Disposed once staged; a buffer dropped undisposed is freed by its
/// finalizer.
/// </summary>
/// <remarks>
/// Holding each entry's key and value objects until the state was complete made every collection during a
/// cold load promote them: measured at 100,000 keys, that tripled the time spent in collections and made the
/// read itself 30–50% slower than a watch that keeps nothing. Copying is a few dozen bytes per entry. The blocks
/// are unmanaged (see <see cref="NativeChunk{T}"/>) rather than large arrays, whose allocation brought on full
/// collections during the read.
/// Read as <see cref="KvChange"/> values (the key is materialised on each access), or, when staging, through
/// <see cref="KeyAt"/> and <see cref="ValueAt"/> without making a key string at all.
/// </remarks>
internal sealed class FullStateBuffer : IReadOnlyList<KvChange>, IDisposable
{
    // Chunks grow up to this size; a small state starts with smaller ones.
    private const int MaxChunkBytes = 1 << 20;
    private const int MinChunkBytes = 4096;

    private readonly List<NativeChunk<char>> _keyChunks = [];
    private readonly List<NativeChunk<byte>> _valueChunks = [];
    private NativeChunk<Entry>? _entries;
    private int _keyUsed;
    private int _valueUsed;

    /// <summary>Creates a buffer sized for <paramref name="expectedEntries"/> entries, if known (0 if not). Nothing is allocated before it is needed.</summary>
    public FullStateBuffer(int expectedEntries = 0)
    {
        if (expectedEntries > 0)
        {
            _entries = new NativeChunk<Entry>(expectedEntries);
        }
    }

    // The last resort for a buffer dropped undisposed (a provider disposed during a read, say): its blocks would
    // otherwise never be freed. Spans of them are only ever used while the buffer is in use, so it cannot run then.
    ~FullStateBuffer() => Free();

    private int Capacity => _entries?.Length ?? 0;

    private Span<Entry> Entries => _entries is null ? [] : _entries.GetSpan();

    /// <summary>How many entries the buffer holds.</summary>
    public int Count { get; private set; }

    /// <summary>The revision of the newest entry, or 0 when empty.</summary>
    public ulong LastRevision => Count == 0 ? 0 : Entries[Count - 1].Revision;

    /// <summary>The entry at <paramref name="index"/>, with its key as a new string.</summary>
    public KvChange this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
            ref readonly var entry = ref Entries[index];
            return new KvChange(KeyAt(index).ToString(), entry.Revision, entry.IsDelete, ValueAt(index), new DateTimeOffset(entry.CreatedTicks, TimeSpan.Zero));
        }
    }

    /// <summary>Grows the entry table once to hold <paramref name="entries"/>, when that is more than it holds now.</summary>
    public void EnsureCapacity(int entries)
    {
        if (entries > Capacity)
        {
            Grow(entries);
        }
    }

    /// <summary>Copies <paramref name="change"/> in.</summary>
    public void Add(in KvChange change)
    {
        if (Count == Capacity)
        {
            Grow(Math.Max(16, Capacity * 2));
        }

        var key = change.Key.AsSpan();
        var keyChunk = Reserve(_keyChunks, ref _keyUsed, key.Length, sizeof(char));
        var keyOffset = _keyUsed - key.Length;
        key.CopyTo(_keyChunks[keyChunk].GetSpan()[keyOffset..]);

        var value = change.Value.Span;
        var valueChunk = Reserve(_valueChunks, ref _valueUsed, value.Length, sizeof(byte));
        var valueOffset = _valueUsed - value.Length;
        value.CopyTo(_valueChunks[valueChunk].GetSpan()[valueOffset..]);

        Entries[Count++] = new Entry(keyChunk, keyOffset, key.Length, valueChunk, valueOffset, value.Length, change.Revision, change.Created.UtcTicks, change.IsDelete);
    }

    /// <summary>The key of the entry at <paramref name="index"/>.</summary>
    public ReadOnlySpan<char> KeyAt(int index)
    {
        ref readonly var entry = ref Entries[index];
        return _keyChunks[entry.KeyChunk].GetSpan().Slice(entry.KeyOffset, entry.KeyLength);
    }

    /// <summary>Where the key of the entry at <paramref name="index"/> lies: a chunk and a range in it.</summary>
    public (NativeChunk<char> Chunk, int Offset, int Length) KeyLocation(int index)
    {
        ref readonly var entry = ref Entries[index];
        return (_keyChunks[entry.KeyChunk], entry.KeyOffset, entry.KeyLength);
    }

    /// <summary>The value bytes of the entry at <paramref name="index"/>.</summary>
    public ReadOnlyMemory<byte> ValueAt(int index)
    {
        ref readonly var entry = ref Entries[index];
        return _valueChunks[entry.ValueChunk].Memory.Slice(entry.ValueOffset, entry.ValueLength);
    }

    /// <summary>The revision of the entry at <paramref name="index"/>.</summary>
    public ulong RevisionAt(int index) => Entries[index].Revision;

    /// <summary>Whether the entry at <paramref name="index"/> is a delete or purge.</summary>
    public bool IsDeleteAt(int index) => Entries[index].IsDelete;

    /// <summary>Frees the buffer's memory: it holds nothing from then on. Nothing read from it may be used after.</summary>
    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    private void Free()
    {
        foreach (var chunk in _keyChunks)
        {
            ((IDisposable)chunk).Dispose();
        }

        foreach (var chunk in _valueChunks)
        {
            ((IDisposable)chunk).Dispose();
        }

        ((IDisposable?)_entries)?.Dispose();
        _keyChunks.Clear();
        _valueChunks.Clear();
        _entries = null;
        _keyUsed = 0;
        _valueUsed = 0;
        Count = 0;
    }

    /// <inheritdoc />
    public IEnumerator<KvChange> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    // Makes room for length items at the end of the last chunk (a new chunk when it is full), advances used past
    // them, and returns the chunk's index.
    private int Reserve<T>(List<NativeChunk<T>> chunks, ref int used, int length, int itemBytes)
        where T : unmanaged
    {
        if (chunks.Count > 0 && chunks[^1].Length - used >= length)
        {
            used += length;
            return chunks.Count - 1;
        }

        // The first chunk is sized for what the state is expected to hold (entries of about 64 bytes), later
        // ones double up to MaxChunkBytes; an item bigger than that gets a chunk of its own size.
        var previousBytes = chunks.Count > 0 ? chunks[^1].Length * itemBytes : Math.Clamp(Capacity * 32, MinChunkBytes, MaxChunkBytes) / 2;
        var bytes = Math.Max(Math.Min(previousBytes * 2, MaxChunkBytes), length * itemBytes);
        chunks.Add(new NativeChunk<T>(Math.Max(bytes / itemBytes, length)));
        used = length;
        return chunks.Count - 1;
    }

    // Moves the entries to a block of room for capacity of them.
    private void Grow(int capacity)
    {
        var grown = new NativeChunk<Entry>(capacity);
        Entries[..Count].CopyTo(grown.GetSpan());
        ((IDisposable?)_entries)?.Dispose();
        _entries = grown;
    }

    // One entry, by where its key and value lie: no references, so the table costs the collector nothing.
    private readonly record struct Entry(int KeyChunk, int KeyOffset, int KeyLength, int ValueChunk, int ValueOffset, int ValueLength, ulong Revision, long CreatedTicks, bool IsDelete);
}
