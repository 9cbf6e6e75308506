using CsCheck;

namespace NatsKvConfig.Tests.Configuration;

public class PathMapTests
{
    private static readonly Gen<string> Path = Gen.Char["aAbB:xX"].Array[0, 7].Select(c => new string(c));

    [Theory]
    [InlineData("full hashes")]
    [InlineData("colliding hashes")]
    public void Behaves_like_a_case_insensitive_dictionary_and_leaves_every_earlier_map_as_it_was(string hashing)
    {
        // The weak hash (length only) makes most paths collide whole, so collision nodes and deep splits are exercised.
        var empty = hashing == "full hashes"
            ? PathMap<int>.Empty
            : PathMap<int>.EmptyWithHash(path => path.Length * 0x01010101);
        Gen.Select(Path, Gen.Int[0, 9]).Array[0, 200].Sample(sets =>
        {
            var reference = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            var map = empty;
            var history = new List<(PathMap<int> Map, Dictionary<string, int> Expected)>();
            foreach (var (path, value) in sets)
            {
                map = map.SetItem(path, value);
                reference.Remove(path); // the map keeps the newest spelling, as the reference does this way
                reference[path] = value;
                history.Add((map, new Dictionary<string, int>(reference, StringComparer.OrdinalIgnoreCase)));
            }

            foreach (var (old, expected) in history)
            {
                Assert.Equal(expected.Count, old.Count);
                Assert.Equal(
                    expected.OrderBy(p => p.Key, StringComparer.Ordinal),
                    old.Entries.OrderBy(p => p.Key, StringComparer.Ordinal));
                foreach (var (path, value) in expected)
                {
                    Assert.True(old.TryGetValue(path.ToUpperInvariant(), out var found) && found == value, path);
                }

                Assert.False(old.ContainsKey("absent:path"));
            }
        }, iter: 300);
    }
}
