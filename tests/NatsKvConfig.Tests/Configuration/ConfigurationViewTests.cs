using CsCheck;
using Microsoft.Extensions.Configuration.Memory;

namespace NatsKvConfig.Tests.Configuration;

public class ConfigurationViewTests
{
    private static readonly Gen<string> Path = Gen.Char["aAbB:"].Array[0, 6].Select(c => new string(c));

    // One batch: paths to set (value or null) and paths to remove.
    private static readonly Gen<(KeyValuePair<string, string?>[] Set, string[] Removed)> Batch = Gen.Select(
        Gen.Select(Path, Gen.OneOf(Gen.Const((string?)null), Gen.String[0, 3].Select(s => (string?)s)))
            .Select((p, v) => new KeyValuePair<string, string?>(p, v)).Array[0, 20],
        Path.Array[0, 10]);

    [Fact]
    public void Behaves_like_a_case_insensitive_dictionary_across_any_sequence_of_batches()
    {
        Batch.Array[1, 60].Sample(batches =>
        {
            var reference = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            var view = ConfigurationView.Empty;
            foreach (var (set, removed) in batches)
            {
                // Within a batch the projection never sets and removes the same path; mirror that.
                var setPaths = set.Select(p => p.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
                var removedOnly = removed.Where(r => !setPaths.Contains(r)).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
                foreach (var (key, value) in set)
                {
                    reference[key] = value;
                }

                foreach (var key in removedOnly)
                {
                    reference.Remove(key);
                }

                view = view.With(set, removedOnly);
                if (view.Count != reference.Count || view.Paths.Count() != reference.Count)
                {
                    return false;
                }

                foreach (var (key, value) in reference)
                {
                    if (!view.TryGetValue(key, out var actual) || actual != value)
                    {
                        return false;
                    }
                }

                // The child index, once built, is carried from view to view: it must stay exact.
                if (!SameChildKeys(view, reference))
                {
                    return false;
                }
            }

            return true;
        }, iter: 2_000);
    }

    private static bool SameChildKeys(ConfigurationView view, Dictionary<string, string?> reference)
    {
        var memory = new MemoryConfigurationProvider(new MemoryConfigurationSource { InitialData = reference });
        foreach (var parent in new string?[] { null, "", "a", "A", "a:b", "b", "b:a" })
        {
            var expected = memory.GetChildKeys([], parent).Distinct(StringComparer.OrdinalIgnoreCase);
            if (!expected.SequenceEqual(view.GetChildKeys([], parent), StringComparer.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }

    [Fact]
    public void An_old_view_is_unchanged_by_later_batches()
    {
        var first = ConfigurationView.From([new("a", "1")]);

        var second = first.With([new("a", "2"), new("b", "3")], []);

        Assert.True(first.TryGetValue("a", out var value));
        Assert.Equal("1", value);
        Assert.False(first.TryGetValue("b", out _));
        Assert.True(second.TryGetValue("A", out value));
        Assert.Equal("2", value);
    }

    [Fact]
    public void Child_keys_match_what_the_memory_provider_returns()
    {
        Gen.Select(Path, Gen.String[0, 2]).Select((p, v) => new KeyValuePair<string, string?>(p, v)).Array[0, 30]
            .Select(pairs => pairs.DistinctBy(p => p.Key, StringComparer.OrdinalIgnoreCase).ToArray())
            .Sample(pairs =>
            {
                var view = ConfigurationView.From(pairs);
                var memory = new MemoryConfigurationProvider(new MemoryConfigurationSource { InitialData = pairs });
                // As the configuration root sees them: it removes duplicates, case-insensitively.
                foreach (var parent in new string?[] { null, "", "a", "A", "a:b", "b" })
                {
                    foreach (var earlier in new[] { Array.Empty<string>(), ["z", "a"] })
                    {
                        var expected = memory.GetChildKeys(earlier, parent).Distinct(StringComparer.OrdinalIgnoreCase);
                        var actual = view.GetChildKeys(earlier, parent).Distinct(StringComparer.OrdinalIgnoreCase);
                        if (!expected.SequenceEqual(actual, StringComparer.OrdinalIgnoreCase))
                        {
                            return false;
                        }
                    }
                }

                return true;
            }, iter: 2_000);
    }
}
