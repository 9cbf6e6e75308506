using System.Buffers;
using System.Runtime.InteropServices;

namespace NatsKvConfig;

/// <summary>
/// A block of unmanaged memory holding <typeparamref name="T"/> items, freed by <see cref="IDisposable.Dispose"/>
/// (a block nobody disposed is freed by the finalizer of the buffer holding it, never of its own: see CA2015). For buffers that live only while a full state is read:
/// the garbage collector neither counts their bytes towards a collection nor copies them.
/// </summary>
/// <remarks>
/// Arrays of a full state's size are large objects, and allocating them counted towards the next full (gen 2)
/// collection: measured at 100,000 keys, a cold load ran one or two more full collections than a watch that keeps
/// nothing, each stopping the read.
/// </remarks>
/// <typeparam name="T">The items: plain data, no references.</typeparam>
internal sealed unsafe class NativeChunk<T> : MemoryManager<T>
    where T : unmanaged
{
    private T* _items;

    /// <summary>Allocates room for <paramref name="length"/> items, uninitialised.</summary>
    public NativeChunk(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Length = length;
        _items = (T*)NativeMemory.Alloc((nuint)Math.Max(length, 1), (nuint)sizeof(T));
    }

    /// <summary>How many items the block holds.</summary>
    public int Length { get; }

    /// <inheritdoc />
    public override Span<T> GetSpan()
    {
        ObjectDisposedException.ThrowIf(_items is null, this);
        return new Span<T>(_items, Length);
    }

    /// <inheritdoc />
    public override MemoryHandle Pin(int elementIndex = 0)
    {
        ObjectDisposedException.ThrowIf(_items is null, this);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)elementIndex, (uint)Length, nameof(elementIndex));
        return new MemoryHandle(_items + elementIndex); // unmanaged memory never moves: nothing to pin
    }

    /// <inheritdoc />
    public override void Unpin()
    {
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        var items = _items;
        _items = null;
        if (items is not null)
        {
            NativeMemory.Free(items);
        }
    }
}
