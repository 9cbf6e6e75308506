using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using CsCheck;

namespace NatsKvConfig.Tests.Snapshots;

public sealed class SnapshotFileTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "natskvconfig-unit", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    // As the library writes its files: readable by the owner only, else the reader refuses them before the content.
    private static void WriteOwnerOnly(string path, byte[] bytes)
    {
        File.WriteAllBytes(path, bytes);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    private string NewPath() => Path.Combine(_directory, Guid.NewGuid().ToString("N"), "config.snapshot");

    private static ConfigurationSnapshot Sample(params SnapshotEntry[] entries) => new(
        "bucket",
        "prefix",
        JsonExpansion: JsonExpansionLimits.Default,
        new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero),
        Revision: 42,
        new DateTimeOffset(2026, 11, 26, 13, 0, 0, TimeSpan.Zero),
        entries);

    private static readonly SnapshotEntry[] SomeEntries =
    [
        new("db.host", 3, [new("db:host", "localhost")]),
        new("db.pool", 7, [new("db:pool:min", "1"), new("db:pool:empty", null), new("db:pool:blank", "")]),
        new("odd=D8=00", 9, [new("odd\ud800", "lone surrogate in the path")]),
    ];

    private static void AssertSame(ConfigurationSnapshot expected, ConfigurationSnapshot actual)
    {
        Assert.Equal(expected.Bucket, actual.Bucket);
        Assert.Equal(expected.KeyPrefix, actual.KeyPrefix);
        Assert.Equal(expected.JsonExpansion, actual.JsonExpansion);
        Assert.Equal(expected.StreamCreated, actual.StreamCreated);
        Assert.Equal(expected.Revision, actual.Revision);
        Assert.Equal(expected.WrittenAt, actual.WrittenAt);
        Assert.Equal(expected.Entries.Count, actual.Entries.Count);
        for (var i = 0; i < expected.Entries.Count; i++)
        {
            Assert.Equal(expected.Entries[i].Key, actual.Entries[i].Key);
            Assert.Equal(expected.Entries[i].Revision, actual.Entries[i].Revision);
            Assert.Equal(expected.Entries[i].Outputs, actual.Entries[i].Outputs);
        }
    }

    [Fact]
    public void What_is_written_reads_back_exactly()
    {
        var path = NewPath();
        var snapshot = Sample(SomeEntries);

        SnapshotFile.Write(path, snapshot);

        Assert.True(SnapshotFile.TryRead(path, out var read, out var reason), reason);
        AssertSame(snapshot, read!);
    }

    [Fact]
    public void Any_strings_round_trip()
    {
        var path = NewPath();
        var output = Gen.Select(Gen.String, Gen.String.Null());
        var entry = Gen.Select(Gen.String, Gen.ULong, output.Array[0, 4]).Select((key, revision, outputs) =>
            new SnapshotEntry(key, revision, [.. outputs.Select(o => new KeyValuePair<string, string?>(o.Item1, o.Item2))]));

        entry.Array[0, 20].Sample(entries =>
        {
            var snapshot = Sample(entries);
            SnapshotFile.Write(path, snapshot);
            Assert.True(SnapshotFile.TryRead(path, out var read, out var reason), reason);
            AssertSame(snapshot, read!);
        }, iter: 200, threads: 1);
    }

    [Fact]
    public void A_plain_keys_entry_is_kept_without_a_key_string_and_written_as_any_entry_is()
    {
        var general = NewPath();
        var plain = NewPath();
        SnapshotFile.Write(general, Sample(new SnapshotEntry("db.host", 3, [new("db:host", "localhost")])));
        SnapshotFile.Write(plain, Sample(SnapshotEntry.Plain("db:host", "localhost", 3)));

        // One format: the file does not say which way the entry was held.
        Assert.Equal(File.ReadAllBytes(general), File.ReadAllBytes(plain));

        Assert.True(SnapshotFile.TryRead(plain, out var read, out var reason), reason);
        var entry = Assert.Single(read!.Entries);
        Assert.True(entry.IsPlain);
        Assert.Equal("db:host", entry.PlainPath);
        Assert.Equal("localhost", entry.PlainValue);
        Assert.Equal("db.host", entry.Key);
        Assert.Equal([new KeyValuePair<string, string?>("db:host", "localhost")], entry.Outputs);
        Assert.Equal(1, entry.OutputCount);
    }

    [Theory]
    [InlineData("a=2Eb", "a.b")] // escaped: the key is not its path with dots
    [InlineData("db.host", "db:other")] // a path the key does not map to
    [InlineData("db.host", "DB:host")] // the same path to configuration, but not the key's spelling
    [InlineData("Db.héllo", "Db:héllo")] // not plain characters
    public void An_entry_that_is_not_a_plain_keys_reads_back_with_its_key(string key, string path)
    {
        var file = NewPath();
        SnapshotFile.Write(file, Sample(new SnapshotEntry(key, 5, [new(path, "v")])));

        Assert.True(SnapshotFile.TryRead(file, out var read, out var reason), reason);
        var entry = Assert.Single(read!.Entries);
        Assert.False(entry.IsPlain);
        Assert.Equal(key, entry.Key);
        Assert.Equal([new KeyValuePair<string, string?>(path, "v")], entry.Outputs);
    }

    [Fact]
    public void Keys_of_plain_characters_dots_and_escapes_round_trip_and_only_plain_pairs_are_kept_plain()
    {
        var path = NewPath();
        var token = Gen.String[Gen.Char["aZ9-_/.=é"], 0, 5];
        var entry = Gen.Select(token, Gen.Bool, token).Select((key, ownPath, otherPath) =>
            new SnapshotEntry(key, 1, [new(ownPath ? key.Replace('.', ':') : otherPath, "v")]));

        entry.Array[1, 8].Sample(entries =>
        {
            var snapshot = Sample(entries);
            SnapshotFile.Write(path, snapshot);
            Assert.True(SnapshotFile.TryRead(path, out var read, out var reason), reason);
            AssertSame(snapshot, read!);
            foreach (var readEntry in read!.Entries)
            {
                var key = readEntry.Key;
                var plainPair = key.Length > 0 && !key.Contains('=', StringComparison.Ordinal)
                    && NatsKvKeyMapper.TryToPath(key, out var mapped, out _) && mapped == readEntry.Outputs[0].Key;
                Assert.Equal(plainPair, readEntry.IsPlain);
            }
        }, iter: 300, threads: 1);
    }

    [Fact]
    public void The_file_is_readable_by_its_owner_only()
    {
        var path = NewPath();

        SnapshotFile.Write(path, Sample(SomeEntries));

        Assert.True(File.Exists(path));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public void Every_truncation_is_rejected_with_a_reason_and_never_throws()
    {
        var path = NewPath();
        SnapshotFile.Write(path, Sample(SomeEntries));
        var whole = File.ReadAllBytes(path);

        for (var length = 0; length < whole.Length; length++)
        {
            WriteOwnerOnly(path, whole[..length]);
            Assert.False(SnapshotFile.TryRead(path, out var read, out var reason), $"truncated to {length} bytes");
            Assert.Null(read);
            Assert.NotEmpty(reason);
        }
    }

    [Fact]
    public void Every_flipped_bit_is_rejected()
    {
        var path = NewPath();
        SnapshotFile.Write(path, Sample(SomeEntries));
        var whole = File.ReadAllBytes(path);

        for (var bit = 0; bit < whole.Length * 8; bit += 7)
        {
            var corrupt = (byte[])whole.Clone();
            corrupt[bit / 8] ^= (byte)(1 << (bit % 8));
            WriteOwnerOnly(path, corrupt);
            Assert.False(SnapshotFile.TryRead(path, out _, out _), $"bit {bit} flipped");
        }
    }

    [Fact]
    public void Random_bytes_are_rejected_and_never_throw()
    {
        var path = NewPath();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        Gen.Byte.Array[0, 512].Sample(bytes =>
        {
            WriteOwnerOnly(path, bytes);
            Assert.False(SnapshotFile.TryRead(path, out _, out var reason));
            Assert.NotEmpty(reason);
        }, iter: 300, threads: 1);
    }

    [Fact]
    public void A_missing_file_is_reported_not_thrown()
    {
        Assert.False(SnapshotFile.TryRead(NewPath(), out _, out var reason));
        Assert.Contains("no snapshot", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_new_snapshot_replaces_the_old_one_and_leaves_no_temporary_file()
    {
        var path = NewPath();
        SnapshotFile.Write(path, Sample(SomeEntries));
        var newer = Sample(SomeEntries[0]) with { Revision = 43 };

        SnapshotFile.Write(path, newer);

        Assert.True(SnapshotFile.TryRead(path, out var read, out _));
        Assert.Equal(43UL, read!.Revision);
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void Ascii_is_stored_one_byte_per_character()
    {
        var path = NewPath();
        var value = new string('v', 10_000);

        SnapshotFile.Write(path, Sample(new SnapshotEntry("k", 1, [new("k", value)])));

        Assert.InRange(new FileInfo(path).Length, value.Length, value.Length + 200);
    }

    [Fact]
    public void A_version_1_snapshot_with_every_string_in_utf16_is_still_read_when_it_expanded_no_json()
    {
        var path = NewPath();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var snapshot = Sample(SomeEntries) with { JsonExpansion = null };

        WriteOwnerOnly(path, WriteVersion1(snapshot));

        Assert.True(SnapshotFile.TryRead(path, out var read, out var reason), reason);
        AssertSame(snapshot, read!);
    }

    [Fact]
    public void A_snapshot_of_an_earlier_version_that_expanded_json_without_limits_is_refused_with_the_reason()
    {
        var path = NewPath();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);

        WriteOwnerOnly(path, WriteVersion1(Sample(SomeEntries)));

        Assert.False(SnapshotFile.TryRead(path, out var read, out var reason));
        Assert.Null(read);
        Assert.Equal("it was written by an earlier version of NatsKvConfig, which expanded JSON values without limits", reason);
    }

    [Fact]
    public void The_json_expansion_limits_are_written_read_back_and_must_match()
    {
        var path = NewPath();
        var limits = JsonExpansionLimits.Default with { MaxPaths = 123, MaxPathLength = 45, MaxTotalLength = 6_789, MaxExpansionRatio = 3 };

        SnapshotFile.Write(path, Sample(SomeEntries) with { JsonExpansion = limits });

        Assert.True(SnapshotFile.TryRead(path, out var read, out var reason), reason);
        Assert.Equal(limits, read!.JsonExpansion);
        Assert.True(read.Matches("bucket", "prefix", limits with { }));
        Assert.False(read.Matches("bucket", "prefix", JsonExpansionLimits.Default));
        Assert.False(read.Matches("bucket", "prefix", jsonExpansion: null));
    }

    /// <summary>The layout version 1 wrote: every string as its length in UTF-16 code units (-1 for null), then the units.</summary>
    private static byte[] WriteVersion1(ConfigurationSnapshot snapshot)
    {
        var body = new List<byte>();
        void Int32(int value) => body.AddRange(BitConverter.GetBytes(value));
        void Int64(long value) => body.AddRange(BitConverter.GetBytes(value));
        void Text(string? value)
        {
            Int32(value?.Length ?? -1);
            body.AddRange(MemoryMarshal.AsBytes(value.AsSpan()).ToArray());
        }

        body.AddRange(Encoding.ASCII.GetBytes("NKVCSNAP"));
        Int32(1);
        Text(snapshot.Bucket);
        Text(snapshot.KeyPrefix);
        Int32(snapshot.JsonExpansion is null ? 0 : 1);
        Int64(snapshot.StreamCreated.UtcTicks);
        Int64((long)snapshot.Revision);
        Int64(snapshot.WrittenAt.UtcTicks);
        Int32(snapshot.Entries.Count);
        foreach (var entry in snapshot.Entries)
        {
            Text(entry.Key);
            Int64((long)entry.Revision);
            Int32(entry.Outputs.Length);
            foreach (var (outputPath, value) in entry.Outputs)
            {
                Text(outputPath);
                Text(value);
            }
        }

        var checksum = new byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64LittleEndian(checksum, XxHash64.HashToUInt64([.. body]));
        return [.. body, .. checksum];
    }
}
