using CsCheck;

namespace NatsKvConfig.Tests.Configuration;

public class PathVersionsTests
{
    // Sets the path to a plain value, spelled as given, in the version being written.
    private static void Put(PathVersions versions, string path, string? value) => versions.Set(path, new PathSlot(PathEntry.Plain(path, value, 1), Removed: false));

    [Fact]
    public void A_reader_sees_each_path_as_it_stood_at_its_version_and_nothing_written_after()
    {
        var versions = new PathVersions();
        Put(versions, "a", "1");
        var first = versions.Publish();
        Put(versions, "A", "2");
        Put(versions, "b", "3");

        // Written, not yet published: the writer reads it, a reader at the first version does not.
        Assert.True(versions.TryGet("a", long.MaxValue, out var latest) && latest.Entry.Value == "2");
        Assert.True(versions.TryGet("a", first, out var atFirst) && atFirst.Entry.Value == "1");
        Assert.False(versions.Contains("b", first));

        var second = versions.Publish();
        versions.Set("a", PathSlot.Gone);
        var third = versions.Publish();

        Assert.Equal("1", Value(versions, "a", first));
        Assert.Equal("2", Value(versions, "a", second));
        Assert.True(versions.TryGet("a", third, out var removed) && removed.Removed);
        Assert.Equal(["a"], versions.Entries(first).Select(e => e.Key));
        Assert.Equal(["A:2", "b:3"], versions.Entries(second).Select(e => $"{e.Value.Entry.Path}:{e.Value.Entry.Value}").Order(StringComparer.Ordinal));
        Assert.Equal(2, versions.PathCount);
        Assert.Equal(4, versions.VersionCount);
    }

    [Fact]
    public void A_path_is_listed_as_its_entry_then_spelled_it()
    {
        var versions = new PathVersions();
        Put(versions, "Db:Host", "1");
        var first = versions.Publish();
        Put(versions, "db:host", "2");
        var second = versions.Publish();
        versions.Set("DB:HOST", PathSlot.Gone);
        var third = versions.Publish();

        Assert.Equal(["Db:Host"], versions.Entries(first).Select(e => e.Key));
        Assert.Equal(["db:host"], versions.Entries(second).Select(e => e.Key));
        Assert.True(Assert.Single(versions.Entries(third)).Value.Removed);
    }

    [Fact]
    public void A_path_set_twice_before_publishing_keeps_one_version_the_last()
    {
        var versions = new PathVersions();
        Put(versions, "a", "1");
        var first = versions.Publish();
        Put(versions, "a", "2");
        Put(versions, "a", "3");
        var second = versions.Publish();

        Assert.Equal(2, versions.VersionCount);
        Assert.Equal("1", Value(versions, "a", first));
        Assert.Equal("3", Value(versions, "a", second));
    }

    [Fact]
    public void Any_sequence_of_sets_and_publishes_reads_back_at_every_version_as_a_dictionary_copied_at_each_publish()
    {
        var op = Gen.Select(Gen.Char["aAbBc"].Array[1, 2].Select(c => new string(c)), Gen.Int[0, 4], Gen.Bool);
        op.Array[0, 60].Sample(ops =>
        {
            var versions = new PathVersions();
            var model = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            var published = new List<(long Version, Dictionary<string, string?> Values)>();
            foreach (var (path, value, publish) in ops)
            {
                if (value == 0)
                {
                    versions.Set(path, PathSlot.Gone);
                    model[path] = null;
                }
                else
                {
                    Put(versions, path, value.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    model[path] = value.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                if (publish)
                {
                    published.Add((versions.Publish(), new Dictionary<string, string?>(model, StringComparer.OrdinalIgnoreCase)));
                }
            }

            foreach (var (version, values) in published)
            {
                // Compared case-insensitively: how each path is spelled is the test above's.
                var read = versions.Entries(version).ToDictionary(e => e.Key.ToUpperInvariant(), e => e.Value.Removed ? null : e.Value.Entry.Value, StringComparer.Ordinal);
                Assert.Equal(values.ToDictionary(p => p.Key.ToUpperInvariant(), p => p.Value, StringComparer.Ordinal).OrderBy(p => p.Key, StringComparer.Ordinal), read.OrderBy(p => p.Key, StringComparer.Ordinal));
                foreach (var (path, value) in values)
                {
                    Assert.True(versions.TryGet(path, version, out var slot));
                    Assert.Equal(value, slot.Removed ? null : slot.Entry.Value);
                }
            }
        });
    }

    [Fact]
    public async Task Readers_at_a_published_version_see_exactly_it_while_the_writer_goes_on_writing()
    {
        // The writer sets every path to the number of the version it writes (after a decoy it overwrites before
        // publishing), adding paths as it goes, which grows the dictionary under the readers. A reader at version v
        // must see v at every path that existed by then: never the decoy, never a later version, never a torn slot.
        const int Rounds = 1_000;
        var versions = new PathVersions();
        long published = 0;
        var failures = new List<string>();

        void Read()
        {
            var seen = 0L;
            while (seen < Rounds)
            {
                var version = Volatile.Read(ref published);
                if (version == 0)
                {
                    continue;
                }

                var paths = (int)Math.Min(version, 200);
                for (var i = 0; i < paths; i++)
                {
                    if (!versions.TryGet($"p{i}", version, out var slot) || slot.Entry.Value != version.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    {
                        lock (failures)
                        {
                            failures.Add($"p{i} at version {version}: {(slot.Removed ? "removed" : slot.Entry.Value ?? "none")}");
                        }

                        return;
                    }
                }

                var listed = versions.Entries(version).Count(e => e.Value.Entry.Value == version.ToString(System.Globalization.CultureInfo.InvariantCulture));
                if (listed != paths)
                {
                    lock (failures)
                    {
                        failures.Add($"{listed} paths listed at version {version}, not {paths}");
                    }

                    return;
                }

                seen = version;
            }
        }

        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(Read)).ToArray();
        for (var round = 1; round <= Rounds; round++)
        {
            var value = round.ToString(System.Globalization.CultureInfo.InvariantCulture);
            for (var i = 0; i < Math.Min(round, 200); i++)
            {
                Put(versions, $"p{i}", "decoy");
                Put(versions, $"p{i}", value);
            }

            Volatile.Write(ref published, versions.Publish());
        }

        await Task.WhenAll(readers).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Empty(failures);
    }

    private static string? Value(PathVersions versions, string path, long version) =>
        versions.TryGet(path, version, out var slot) && !slot.Removed ? slot.Entry.Value : null;
}
