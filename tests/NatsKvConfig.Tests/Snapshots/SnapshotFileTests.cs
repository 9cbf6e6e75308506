using System.Buffers.Binary;
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
    public void A_plain_keys_entry_is_written_as_its_path_alone_and_read_back_plain_without_a_key_string()
    {
        var general = NewPath();
        var plain = NewPath();
        SnapshotFile.Write(general, Sample(new SnapshotEntry("db.host", 3, [new("db:host", "localhost")])));
        SnapshotFile.Write(plain, Sample(SnapshotEntry.Plain("db:host", "localhost", 3)));

        // No key and no output count: those bytes are the difference.
        Assert.Equal(new FileInfo(general).Length - "db.host".Length - sizeof(int), new FileInfo(plain).Length);

        foreach (var file in new[] { plain, general })
        {
            Assert.True(SnapshotFile.TryRead(file, out var read, out var reason), reason);
            var entry = Assert.Single(read!.Entries);
            Assert.True(entry.IsPlain);
            Assert.Equal("db:host", entry.PlainPath);
            Assert.Equal("localhost", entry.PlainValue);
            Assert.Equal("db.host", entry.Key);
            Assert.Equal(3UL, entry.Revision);
            Assert.Equal([new KeyValuePair<string, string?>("db:host", "localhost")], entry.Outputs);
            Assert.Equal(1, entry.OutputCount);
        }
    }

    [Fact]
    public void A_plain_entry_whose_path_is_not_a_plain_keys_is_refused_even_behind_a_good_checksum()
    {
        var path = NewPath();
        SnapshotFile.Write(path, Sample(SnapshotEntry.Plain("db:host", "localhost", 3)));
        var bytes = File.ReadAllBytes(path);
        var at = bytes.AsSpan().IndexOf("db:host"u8);
        bytes[at + 2] = (byte)'.'; // "db.host": no plain key maps to a path with a dot
        WriteOwnerOnly(path, EarlierSnapshotFormats.Sealed(bytes[..^sizeof(ulong)]));

        Assert.True(SnapshotFile.TryOpen(path, out _, out var openReason), openReason);
        Assert.False(SnapshotFile.TryRead(path, out var read, out var reason));
        Assert.Null(read);
        Assert.Equal("its contents are inconsistent (corrupt)", reason);
    }

    [Fact]
    public void A_path_held_as_plain_that_is_not_a_plain_keys_is_written_with_its_key()
    {
        var path = NewPath();
        SnapshotFile.Write(path, Sample(SnapshotEntry.Plain("a:b=c", "v", 3)));

        Assert.True(SnapshotFile.TryRead(path, out var read, out var reason), reason);
        var entry = Assert.Single(read!.Entries);
        Assert.Equal("a.b=c", entry.Key);
        Assert.Equal([new KeyValuePair<string, string?>("a:b=c", "v")], entry.Outputs);
    }

    [Fact]
    public void The_header_alone_says_where_to_resume_and_how_many_keys_have_a_value()
    {
        var path = NewPath();
        var snapshot = Sample([.. SomeEntries, new SnapshotEntry("empty", 11, [])]);
        SnapshotFile.Write(path, snapshot);

        Assert.True(SnapshotFile.TryOpen(path, out var opened, out var reason), reason);
        Assert.Equal(42UL, opened!.Revision);
        Assert.Equal(snapshot.StreamCreated, opened.StreamCreated);
        Assert.Equal(snapshot.WrittenAt, opened.WrittenAt);
        Assert.Equal(4, opened.EntryCount);
        Assert.Equal(3, opened.LiveKeyCount);
        Assert.True(opened.Matches("bucket", "prefix", JsonExpansionLimits.Default));
        Assert.False(opened.Matches("bucket", "other", JsonExpansionLimits.Default));
    }

    [Fact]
    public void Entries_that_do_not_parse_behind_a_good_checksum_are_refused_after_the_header_was_read()
    {
        var path = NewPath();
        SnapshotFile.Write(path, Sample(SomeEntries));
        WriteOwnerOnly(path, EarlierSnapshotFormats.WithDataAfterTheEntries(File.ReadAllBytes(path)));

        Assert.True(SnapshotFile.TryOpen(path, out var opened, out var openReason), openReason);
        Assert.False(SnapshotFile.TryReadEntries(opened!, new EntryCollector(), out var reason));
        Assert.Equal("its contents are inconsistent (corrupt)", reason);
    }

    [Fact]
    public void A_header_whose_count_of_keys_disagrees_with_the_entries_is_refused()
    {
        var path = NewPath();
        SnapshotFile.Write(path, Sample(SomeEntries));
        var bytes = File.ReadAllBytes(path);

        // The count of keys with a value sits just before the count of entries, which ends the header.
        Assert.True(SnapshotFile.TryOpen(path, out var opened, out _));
        var countAt = opened!.Entries.Start.GetOffset(bytes.Length) - (2 * sizeof(int));
        Assert.Equal(3, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(countAt)));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(countAt), 2);
        WriteOwnerOnly(path, EarlierSnapshotFormats.Sealed(bytes[..^sizeof(ulong)]));

        Assert.False(SnapshotFile.TryRead(path, out _, out var reason));
        Assert.Equal("its contents are inconsistent (corrupt)", reason);
    }

    [Theory]
    [InlineData(1)] // the count of entries
    [InlineData(2)] // the count of keys with a value
    public void A_count_in_the_header_that_the_file_cannot_hold_is_refused_before_anything_is_sized_by_it(int fromEnd)
    {
        var path = NewPath();
        SnapshotFile.Write(path, Sample(SomeEntries));
        var bytes = File.ReadAllBytes(path);
        Assert.True(SnapshotFile.TryOpen(path, out var opened, out _));

        // Each entry takes at least 16 bytes: one for every 8 bytes left is more than the rest can hold.
        var countAt = opened!.Entries.Start.GetOffset(bytes.Length) - (fromEnd * sizeof(int));
        var left = bytes.Length - sizeof(ulong) - countAt - sizeof(int);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(countAt), left / 8);
        WriteOwnerOnly(path, EarlierSnapshotFormats.Sealed(bytes[..^sizeof(ulong)]));

        Assert.False(SnapshotFile.TryOpen(path, out var refused, out var reason));
        Assert.Null(refused);
        Assert.Equal("its contents are inconsistent (corrupt)", reason);
    }

    [Fact]
    public void A_version_3_snapshot_is_still_read_its_plain_pairs_kept_plain_and_its_header_without_a_count_of_keys()
    {
        var path = NewPath();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var snapshot = Sample([.. SomeEntries, SnapshotEntry.Plain("plain:key", "v", 12)]);

        WriteOwnerOnly(path, EarlierSnapshotFormats.WriteVersion3(snapshot));

        Assert.True(SnapshotFile.TryOpen(path, out var opened, out var openReason), openReason);
        Assert.Null(opened!.LiveKeyCount);
        Assert.True(SnapshotFile.TryRead(path, out var read, out var reason), reason);
        AssertSame(snapshot, read!);
        Assert.True(read!.Entries[^1].IsPlain);
        Assert.True(read.Entries[0].IsPlain); // db.host -> db:host, written with its key by version 3
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

        WriteOwnerOnly(path, EarlierSnapshotFormats.WriteVersion1(snapshot));

        Assert.True(SnapshotFile.TryRead(path, out var read, out var reason), reason);
        AssertSame(snapshot, read!);
    }

    [Fact]
    public void A_snapshot_of_an_earlier_version_that_expanded_json_without_limits_is_refused_with_the_reason()
    {
        var path = NewPath();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);

        WriteOwnerOnly(path, EarlierSnapshotFormats.WriteVersion1(Sample(SomeEntries)));

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
        Assert.True(SnapshotFile.TryOpen(path, out var opened, out reason), reason);
        Assert.True(opened!.Matches("bucket", "prefix", limits with { }));
        Assert.False(opened.Matches("bucket", "prefix", JsonExpansionLimits.Default));
        Assert.False(opened.Matches("bucket", "prefix", jsonExpansion: null));
    }

    private sealed class EntryCollector : ISnapshotEntrySink
    {
        public List<SnapshotEntry> Entries { get; } = [];

        public void Accept(in SnapshotEntry entry) => Entries.Add(entry);
    }
}
