using System.Text.Json;
using System.Text.Json.Serialization;
using CsCheck;
using Microsoft.Extensions.Configuration;

namespace NatsKvConfig.Tests.Client;

/// <summary>
/// Writing an object as a section and binding the section back gives an equal object: flattened as the client
/// flattens it, stored as the client stores it, read as the provider reads the bucket, bound by the binder.
/// </summary>
public class ObjectFlattenerPropertyTests
{
    private static readonly JsonSerializerOptions Compare = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    // Any text, dots, colons-free names, non-ASCII and escapes included; not text that looks like JSON, which the
    // provider expands (see the limitation in docs/writing-config.md).
    private static readonly Gen<string> Text = Gen.String[Gen.Char.Where(c => !char.IsSurrogate(c)), 0, 12]
        .Where(s => !JsonValueExpander.LooksLikeJson(s));

    private static readonly Gen<string> Name = Gen.String[Gen.Char["abcXYZ019 .-_é="], 1, 6];

    private static readonly Gen<Inner> InnerGen = Gen.Select(Text, Gen.Int).Select((host, port) => new Inner { Host = host, Port = port });

    private static readonly Gen<Sample> SampleGen = Gen.Select(
            Gen.Select(Text, Text.Null(), Gen.Int, Gen.Long, Gen.Double, Gen.Bool, Gen.Decimal),
            Gen.Select(Gen.Long.Select(t => new TimeSpan(t)), Gen.Enum<Mode>(), Gen.Enum<Mode>().Nullable(), Gen.Int.Nullable(), Gen.Guid),
            Gen.Select(InnerGen, Text.List[0, 4], Gen.Int.Array[0, 4], Gen.Dictionary(Name, Gen.Int)[0, 4], InnerGen.List[0, 3]))
        .Where(t => t.Item3.Item4.Keys.Distinct(StringComparer.OrdinalIgnoreCase).Count() == t.Item3.Item4.Count)
        .Select(t => new Sample
        {
            Name = t.Item1.Item1,
            Nickname = t.Item1.Item2,
            Count = t.Item1.Item3,
            Big = t.Item1.Item4,
            Ratio = t.Item1.Item5,
            Flag = t.Item1.Item6,
            Price = t.Item1.Item7,
            Timeout = t.Item2.Item1,
            Mode = t.Item2.Item2,
            OptionalMode = t.Item2.Item3,
            OptionalCount = t.Item2.Item4,
            Id = t.Item2.Item5,
            Inner = t.Item3.Item1,
            Tags = t.Item3.Item2,
            Numbers = t.Item3.Item3,
            Limits = t.Item3.Item4,
            Items = t.Item3.Item5,
        });

    // Equal objects give equal text: every property, dictionaries in key order (the binder adds keys in configuration order).
    private static string Canonical(Sample sample)
    {
        var limits = sample.Limits;
        sample.Limits = new Dictionary<string, int>(limits.OrderBy(p => p.Key, StringComparer.Ordinal));
        try
        {
            return JsonSerializer.Serialize(sample, Compare);
        }
        finally
        {
            sample.Limits = limits;
        }
    }

    [Fact]
    public void Binding_what_was_written_gives_back_an_equal_object()
    {
        SampleGen.Sample(
            sample =>
            {
                var paths = ObjectFlattener.Flatten("App:Settings", sample, ObjectFlattener.ReflectionTypeInfo<Sample>(), JsonExpansionLimits.Default);
                var bound = StoredConfiguration.Build(paths).GetSection("App:Settings").Get<Sample>();

                Assert.Equal(Canonical(sample), Canonical(bound!));
            },
            iter: 300);
    }

    [Fact]
    public void An_object_written_at_the_root_binds_back_from_the_root()
    {
        SampleGen.Sample(
            sample =>
            {
                var paths = ObjectFlattener.Flatten(string.Empty, sample, ObjectFlattener.ReflectionTypeInfo<Sample>(), JsonExpansionLimits.Default);
                var bound = StoredConfiguration.Build(paths).Get<Sample>();

                Assert.Equal(Canonical(sample), Canonical(bound!));
            },
            iter: 100);
    }

    [Fact]
    public void Enums_are_written_as_names_and_time_spans_as_the_binder_parses_them()
    {
        var paths = ObjectFlattener.Flatten("s", new Sample { Mode = Mode.Second, Timeout = TimeSpan.FromMinutes(90), Nickname = null }, ObjectFlattener.ReflectionTypeInfo<Sample>(), JsonExpansionLimits.Default)
            .ToDictionary(p => p.Key, p => p.Value);

        Assert.Equal("Second", paths["s:Mode"]);
        Assert.Equal("01:30:00", paths["s:Timeout"]);
        Assert.False(paths.ContainsKey("s:Nickname")); // null properties are left out
        Assert.Equal("", paths["s:Tags"]); // an empty list still makes its section exist, as AddJsonFile reads []
    }

    [Fact]
    public void A_dictionary_whose_keys_differ_only_in_case_is_refused()
    {
        var sample = new Sample { Limits = new Dictionary<string, int> { ["cpu"] = 1, ["CPU"] = 2 } };

        var exception = Assert.Throws<ArgumentException>(() => ObjectFlattener.Flatten("s", sample, ObjectFlattener.ReflectionTypeInfo<Sample>(), JsonExpansionLimits.Default));

        Assert.Contains("repeats a configuration path", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_scalar_cannot_be_written_at_the_root()
    {
        Assert.Throws<ArgumentException>(() => ObjectFlattener.Flatten(string.Empty, 42, ObjectFlattener.ReflectionTypeInfo<int>(), JsonExpansionLimits.Default));
        Assert.Equal([new KeyValuePair<string, string?>("n", "42")], ObjectFlattener.Flatten("n", 42, ObjectFlattener.ReflectionTypeInfo<int>(), JsonExpansionLimits.Default));
    }

    public enum Mode
    {
        First,
        Second,
        Third,
    }

    public sealed class Inner
    {
        public string Host { get; set; } = "";

        public int Port { get; set; }
    }

    public sealed class Sample
    {
        public string Name { get; set; } = "";

        public string? Nickname { get; set; }

        public int Count { get; set; }

        public long Big { get; set; }

        public double Ratio { get; set; }

        public bool Flag { get; set; }

        public decimal Price { get; set; }

        public TimeSpan Timeout { get; set; }

        public Mode Mode { get; set; }

        public Mode? OptionalMode { get; set; }

        public int? OptionalCount { get; set; }

        public Guid Id { get; set; }

        public Inner Inner { get; set; } = new();

        public List<string> Tags { get; set; } = [];

        public int[] Numbers { get; set; } = [];

        public Dictionary<string, int> Limits { get; set; } = [];

        public List<Inner> Items { get; set; } = [];
    }
}
