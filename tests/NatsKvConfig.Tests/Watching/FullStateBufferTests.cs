using System.Text;

namespace NatsKvConfig.Tests.Watching;

public class FullStateBufferTests
{
    [Fact]
    public void Entries_read_back_as_they_were_added_across_chunk_boundaries()
    {
        // Sized for 4 entries, given 5,000 of growing size and one far bigger than a chunk: several chunks of each kind.
        var buffer = new FullStateBuffer(expectedEntries: 4);
        var added = new List<KvChange>();
        for (var i = 0; i < 5_000; i++)
        {
            var value = i == 2_500 ? new byte[3 << 20] : Encoding.UTF8.GetBytes(new string('v', i % 300));
            value.AsSpan().Fill((byte)('a' + (i % 26)));
            var change = new KvChange($"k{i}.{new string('x', i % 50)}", (ulong)i + 1, i % 7 == 0, i % 7 == 0 ? ReadOnlyMemory<byte>.Empty : value, DateTimeOffset.UnixEpoch.AddSeconds(i));
            buffer.Add(change);
            added.Add(change);
        }

        Assert.Equal(added.Count, buffer.Count);
        Assert.Equal(5_000UL, buffer.LastRevision);
        for (var i = 0; i < added.Count; i++)
        {
            var read = buffer[i];
            Assert.Equal(added[i].Key, read.Key);
            Assert.Equal(added[i].Key, buffer.KeyAt(i).ToString());
            Assert.Equal(added[i].Revision, read.Revision);
            Assert.Equal(added[i].IsDelete, read.IsDelete);
            Assert.Equal(added[i].Created, read.Created);
            Assert.True(added[i].Value.Span.SequenceEqual(read.Value.Span), $"value {i}");
        }
    }

    [Fact]
    public void An_empty_value_is_kept_apart_from_a_delete_and_an_empty_buffer_reads_nothing()
    {
        var buffer = new FullStateBuffer();
        Assert.Empty(buffer);
        Assert.Equal(0UL, buffer.LastRevision);

        buffer.Add(new KvChange("a", 1, false, ReadOnlyMemory<byte>.Empty, default));
        buffer.Add(new KvChange("b", 2, true, ReadOnlyMemory<byte>.Empty, default));

        Assert.Equal([("a", false, 0), ("b", true, 0)], buffer.Select(c => (c.Key, c.IsDelete, c.Value.Length)));
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer[2]);
    }

    [Fact]
    public void Growing_the_table_keeps_what_it_holds()
    {
        var buffer = new FullStateBuffer();
        buffer.Add(new KvChange("a", 1, false, "1"u8.ToArray(), default));
        buffer.EnsureCapacity(1_000);
        buffer.Add(new KvChange("b", 2, false, "2"u8.ToArray(), default));

        Assert.Equal(["a", "b"], buffer.Select(c => c.Key));
        Assert.Equal("2", Encoding.UTF8.GetString(buffer.ValueAt(1).Span));
    }

    [Fact]
    public void Disposing_frees_what_it_holds_and_a_disposed_buffer_reads_nothing()
    {
        var buffer = new FullStateBuffer(expectedEntries: 2);
        buffer.Add(new KvChange("a", 1, false, "1"u8.ToArray(), default));
        var value = buffer.ValueAt(0);

        buffer.Dispose();

        Assert.Empty(buffer);
        Assert.Equal(0UL, buffer.LastRevision);
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer[0]);

        // Memory read from it before is never silently reused: its block is gone.
        Assert.Throws<ObjectDisposedException>(() => value.Span.Length);
        buffer.Dispose(); // twice is harmless
    }
}
