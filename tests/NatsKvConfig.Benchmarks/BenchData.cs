using System.Globalization;
using System.Text;
using NATS.Client.KeyValueStore;

namespace NatsKvConfig.Benchmarks;

/// <summary>The benchmark's data: keys three segments deep, values of about 30 bytes.</summary>
internal static class BenchData
{
    public static string Key(int i) =>
        string.Create(CultureInfo.InvariantCulture, $"s{i % 100}.g{i / 100 % 100}.k{i}");

    public static string Path(int i) => NatsKvKeyMapper.ToPath(Key(i));

    public static string Value(int i) =>
        string.Create(CultureInfo.InvariantCulture, $"value-{i:D8}-abcdefghijklmnop");

    /// <summary>The configuration paths and values of keys 0..count-1, as a provider would hold them.</summary>
    public static KeyValuePair<string, string?>[] Pairs(int count) =>
        Enumerable.Range(0, count).Select(i => new KeyValuePair<string, string?>(Path(i), Value(i))).ToArray();

    /// <summary>How many keys the section <c>sec</c> that every seeded bucket also holds has.</summary>
    public const int SectionKeys = 50;

    /// <summary>The paths of the keys <see cref="SeedAsync"/> puts for <paramref name="count"/>: every one a provider must hold.</summary>
    public static IEnumerable<string> SeededPaths(int count) =>
        Enumerable.Range(0, count).Select(Path).Concat(Enumerable.Range(0, SectionKeys).Select(SectionPath));

    public static string SectionPath(int i) => string.Create(CultureInfo.InvariantCulture, $"sec:k{i:D2}");

    /// <summary>Puts keys 0..count-1 (and a 50-key section <c>sec</c>) with a few hundred puts in flight.</summary>
    public static async Task SeedAsync(INatsKVStore store, int count)
    {
        const int InFlight = 500;
        for (var start = 0; start < count; start += InFlight)
        {
            var end = Math.Min(count, start + InFlight);
            await Task.WhenAll(Enumerable.Range(start, end - start)
                .Select(i => store.PutAsync(Key(i), Encoding.UTF8.GetBytes(Value(i))).AsTask()));
        }

        await Task.WhenAll(Enumerable.Range(0, SectionKeys)
            .Select(i => store.PutAsync($"sec.k{i:D2}", Encoding.UTF8.GetBytes(Value(i))).AsTask()));
    }
}
