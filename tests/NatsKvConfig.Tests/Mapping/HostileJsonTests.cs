using System.Text;
using CsCheck;
using Microsoft.Extensions.Configuration;

namespace NatsKvConfig.Tests.Mapping;

/// <summary>JSON values written to hurt: too deep, too wide, repeated names, broken escapes, random text.</summary>
public class HostileJsonTests
{
    // JSON-ish text: mostly structure and short names that collide in case, sometimes escapes that decode to
    // lone surrogates or control characters, sometimes anything at all.
    private static readonly Gen<string> JsonToken = Gen.Frequency(
        (8, Gen.OneOf("{", "}", "[", "]", ",", ":", "\"a\"", "\"A\"", "\"b\"", "\"a:b\"", "\"\"", "1", "-0.5e3", "true", "null", " ")),
        (2, Gen.OneOf("\"\\uD800\"", "\"\\uDC00x\"", "\"\\uD83D\\uDE00\"", "\"\\u0000\"", "\"\\n\"", "\"\\x\"", "/*c*/", "//c\n", "\"é中\"")),
        (1, Gen.Char.Select(c => c.ToString())));

    private static readonly Gen<string> JsonishText = Gen.Frequency(
        (4, JsonToken.Array[1, 30].Select(tokens => string.Concat(tokens))),
        (3, Gen.Recursive<string>((depth, self) => depth >= 5
            ? Gen.OneOf("1", "\"x\"", "null", "[]", "{}", "\"\\uD800\"")
            : Gen.Frequency(
                (2, Gen.OneOf("1", "\"x\"", "true", "null", "\"\\uDFFF\"")),
                (1, self.Array[0, 4].Select(items => "[" + string.Join(",", items) + "]")),
                (1, Gen.Select(Gen.OneOf("a", "A", "b", "a:b", "", "B"), self).Array[0, 4]
                    .Select(props => "{" + string.Join(",", props.Select(p => $"\"{p.Item1}\":{p.Item2}")) + "}"))))),
        (1, Gen.String));

    [Theory]
    [InlineData('[', ']')]
    [InlineData('{', '}')]
    public void Json_nested_ten_thousand_deep_is_refused_without_recursing_and_adds_nothing(char open, char close)
    {
        var value = Nest(10_000, open, close);
        var output = new List<KeyValuePair<string, string?>>();

        Assert.False(JsonValueExpander.Expand("p", value, JsonExpansionLimits.Default, output) == JsonExpansionOutcome.Expanded);
        Assert.Empty(output);
    }

    [Theory]
    [InlineData(64, true)]
    [InlineData(65, false)]
    public void The_depth_limit_is_System_Text_Json_s_64_the_same_as_AddJsonFile(int depth, bool expands)
    {
        // Objects, so AddJsonFile can read the same document as it stands (its root must be an object).
        var value = Nest(depth, '{', '}');
        var output = new List<KeyValuePair<string, string?>>();

        Assert.Equal(expands, (JsonValueExpander.Expand("p", value, JsonExpansionLimits.Default, output) == JsonExpansionOutcome.Expanded));
        Assert.Equal(expands, AddJsonFileAccepts(value));
        if (expands)
        {
            var (path, leaf) = Assert.Single(output);
            Assert.Equal("p" + string.Concat(Enumerable.Repeat(":a", depth)), path);
            Assert.Equal("1", leaf);
        }
    }

    [Theory]
    [InlineData("""{"a":1,"a":2}""", false)]
    [InlineData("""{"a":1,"A":2}""", false)]
    [InlineData("""{"a":{"b":1},"a":{"b":2}}""", false)]
    [InlineData("""{"a:b":1,"a":{"b":2}}""", false)]
    [InlineData("""[{"a":1,"a":1}]""", false)]
    [InlineData("""{"a":{"b":1},"a":{"c":2}}""", true)] // no path repeats: AddJsonFile merges the two too
    public void Repeated_property_names_are_refused_exactly_when_AddJsonFile_refuses_them(string value, bool expands)
    {
        var output = new List<KeyValuePair<string, string?>>();

        Assert.Equal(expands, (JsonValueExpander.Expand("p", value, JsonExpansionLimits.Default, output) == JsonExpansionOutcome.Expanded));
        Assert.Equal(expands, AddJsonFileAccepts(value));
        Assert.Equal(expands, output.Count > 0);
    }

    [Theory]
    [InlineData("""{"a":1,"a":{}}""")]
    [InlineData("""{"a":1,"a":[]}""")]
    [InlineData("""{"a":{},"a":{}}""")]
    public void A_repeated_name_is_refused_even_where_AddJsonFile_lets_an_empty_section_overwrite_it(string value)
    {
        // AddJsonFile checks repeats of leaves only: an empty {} or [] overwrites what came before (a = null).
        // One rule is easier to trust: every repeated path is refused, and the value stays a plain string.
        var output = new List<KeyValuePair<string, string?>>();

        Assert.False(JsonValueExpander.Expand("p", value, JsonExpansionLimits.Default, output) == JsonExpansionOutcome.Expanded);
        Assert.True(AddJsonFileAccepts(value));
    }

    [Theory]
    [InlineData("""{"a":"\uD800"}""")]
    [InlineData("""["ok","\uDC00"]""")]
    [InlineData("""{"\uD800":1}""")]
    [InlineData("""{"a":{"b":["x","\uDBFFtail"]}}""")]
    public void Escapes_of_lone_surrogates_are_refused_instead_of_throwing(string value)
    {
        var output = new List<KeyValuePair<string, string?>>();

        Assert.False(JsonValueExpander.Expand("p", value, JsonExpansionLimits.Default, output) == JsonExpansionOutcome.Expanded);
        Assert.Empty(output);
        Assert.Null(JsonReference.Expand("p", value)); // AddJsonFile refuses them too
    }

    [Fact]
    public void Escaped_surrogate_pairs_and_control_characters_are_fine()
    {
        var output = new List<KeyValuePair<string, string?>>();

        Assert.True(JsonValueExpander.Expand("p", """{"e":"\uD83D\uDE00","n":"\u0000"}""", JsonExpansionLimits.Default, output) == JsonExpansionOutcome.Expanded);

        Assert.Equal(new Dictionary<string, string?> { ["p:e"] = "😀", ["p:n"] = "\0" }, output.ToDictionary());
    }

    [Fact]
    public void An_array_of_a_hundred_thousand_elements_expands_to_as_many_paths_when_the_limits_allow_it()
    {
        const int Count = 100_000;
        var value = "[" + string.Join(",", Enumerable.Range(0, Count)) + "]";
        var output = new List<KeyValuePair<string, string?>>();
        var raised = JsonExpansionLimits.Default with { MaxPaths = Count, MaxTotalLength = 4 * 1024 * 1024 };

        Assert.Equal(JsonExpansionOutcome.OverMaxPaths, JsonValueExpander.Expand("big", value, JsonExpansionLimits.Default, output));
        Assert.Empty(output);
        Assert.Equal(JsonExpansionOutcome.Expanded, JsonValueExpander.Expand("big", value, raised, output));

        Assert.Equal(Count, output.Count);
        Assert.Equal(new KeyValuePair<string, string?>("big:99999", "99999"), output[^1]);
        Assert.Equal(Count, output.Select(p => p.Key).Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void Arbitrary_text_never_throws_and_expands_exactly_as_AddJsonFile_or_adds_nothing()
    {
        var (expandedCount, refusedCount) = (0, 0);
        JsonishText.Sample(value =>
        {
            var output = new List<KeyValuePair<string, string?>> { new("sentinel", "kept") };
            var expanded = JsonValueExpander.Expand("root", value, JsonExpansionLimits.Default, output) == JsonExpansionOutcome.Expanded;
            var expected = JsonReference.Expand("root", value);

            if (!expanded)
            {
                Interlocked.Increment(ref refusedCount);
                return expected is null && output.Count == 1; // nothing added, nothing taken
            }

            Interlocked.Increment(ref expandedCount);
            return expected is not null
                && output[0].Key == "sentinel"
                && output.Skip(1).ToDictionary(StringComparer.OrdinalIgnoreCase) is var actual
                && actual.Count == output.Count - 1
                && actual.Count == expected.Count
                && expected.All(p => actual.TryGetValue(p.Key, out var v) && v == p.Value);
        }, iter: 20_000);

        // Both outcomes are common, so neither side of the comparison is vacuous.
        Assert.InRange(expandedCount, 2_000, 18_000);
        Assert.InRange(refusedCount, 2_000, 18_000);
    }

    [Fact]
    public void The_utf8_overload_expands_and_refuses_exactly_as_the_string_overload_does_for_the_decoded_text()
    {
        var tight = new JsonExpansionLimits { MaxPaths = 4, MaxPathLength = 9, MaxTotalLength = 40 };
        JsonishText
            .Where(value => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(value)) == value) // what an entry can hold
            .Sample(value =>
            {
                var bytes = Encoding.UTF8.GetBytes(value);
                foreach (var limits in new[] { JsonExpansionLimits.Default, tight })
                {
                    var fromText = new List<KeyValuePair<string, string?>> { new("sentinel", "kept") };
                    var fromBytes = new List<KeyValuePair<string, string?>> { new("sentinel", "kept") };
                    if (JsonValueExpander.Expand("root", value, limits, fromText) != JsonValueExpander.Expand("root", bytes, limits, fromBytes)
                        || !fromText.SequenceEqual(fromBytes))
                    {
                        return false;
                    }
                }

                return JsonValueExpander.LooksLikeJson(value) == JsonValueExpander.LooksLikeJson(bytes);
            }, iter: 20_000);
    }

    [Fact]
    public void Arbitrary_bytes_decoded_leniently_never_make_the_expander_throw()
    {
        Gen.Byte.Array[0, 200].Select(bytes => "[" + Encoding.UTF8.GetString(bytes)).Sample(value =>
        {
            var output = new List<KeyValuePair<string, string?>>();
            return (JsonValueExpander.Expand("p", value, JsonExpansionLimits.Default, output) == JsonExpansionOutcome.Expanded) ? output.Count > 0 : output.Count == 0;
        }, iter: 10_000);
    }

    private static string Nest(int depth, char open, char close)
    {
        var builder = new StringBuilder(depth * 6);
        for (var i = 0; i < depth; i++)
        {
            builder.Append(open == '{' ? "{\"a\":" : "[");
        }

        builder.Length -= open == '{' ? 5 : 1;
        builder.Append(open == '{' ? "{\"a\":1" : "[1");
        builder.Append(close, depth);
        return builder.ToString();
    }

    private static bool AddJsonFileAccepts(string json)
    {
        try
        {
            new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
            return true;
        }
        catch (Exception exception) when (exception is FormatException or InvalidOperationException or System.Text.Json.JsonException)
        {
            return false;
        }
    }
}
