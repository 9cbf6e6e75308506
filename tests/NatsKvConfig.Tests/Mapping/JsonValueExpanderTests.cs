using System.Text;
using Microsoft.Extensions.Configuration;

namespace NatsKvConfig.Tests.Mapping;

public class JsonValueExpanderTests
{
    [Fact]
    public void Expands_an_object_into_child_paths()
    {
        var output = new List<KeyValuePair<string, string?>>();

        Assert.True(JsonValueExpander.Expand("features:new_ui", """{"enabled":true,"rollout":50,"allowed_users":["admin"]}""", JsonExpansionLimits.Default, output) == JsonExpansionOutcome.Expanded);

        Assert.Equal(
            new Dictionary<string, string?>
            {
                ["features:new_ui:enabled"] = "True",
                ["features:new_ui:rollout"] = "50",
                ["features:new_ui:allowed_users:0"] = "admin",
            },
            output.ToDictionary());
    }

    [Theory]
    [InlineData("""{"a":{"b":[1,2,{"c":"d"}]},"e":null,"f":false,"g":1.50,"h":"x:y","i":{},"j":[]}""")]
    [InlineData("""{"Logging":{"LogLevel":{"Default":"Information","Microsoft.AspNetCore":"Warning"}}}""")]
    [InlineData("""{ "trailing": [1, 2,], /* comment */ "k": "v" }""")]
    public void Expands_exactly_as_AddJsonFile_reads_the_same_document(string json)
    {
        var expected = new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json)))
            .Build()
            .AsEnumerable()
            .Where(pair => pair.Value is not null || !HasChildren(json, pair.Key))
            .ToDictionary(StringComparer.OrdinalIgnoreCase);

        var output = new List<KeyValuePair<string, string?>>();
        Assert.True(JsonValueExpander.Expand("root", json, JsonExpansionLimits.Default, output) == JsonExpansionOutcome.Expanded);
        var actual = output.ToDictionary(p => p.Key["root:".Length..], p => p.Value, StringComparer.OrdinalIgnoreCase);

        Assert.Equal(expected.OrderBy(p => p.Key), actual.OrderBy(p => p.Key));
    }

    // AsEnumerable lists sections too (with null values); only leaves and empty sections are data.
    private static bool HasChildren(string json, string path) =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build().GetSection(path).GetChildren().Any();

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1, 2")]
    [InlineData("""{"a":1,"A":2}""")]
    public void Refuses_invalid_json_and_repeated_names_and_adds_nothing(string value)
    {
        var output = new List<KeyValuePair<string, string?>>();

        Assert.False(JsonValueExpander.Expand("p", value, JsonExpansionLimits.Default, output) == JsonExpansionOutcome.Expanded);
        Assert.Empty(output);
    }

    [Theory]
    [InlineData("{}", true)]
    [InlineData("  [1]", true)]
    [InlineData("plain", false)]
    [InlineData("42", false)]
    [InlineData("\"quoted\"", false)]
    [InlineData("", false)]
    public void Only_objects_and_arrays_count_as_json(string value, bool looksLikeJson)
    {
        Assert.Equal(looksLikeJson, JsonValueExpander.LooksLikeJson(value));
        Assert.Equal(looksLikeJson, JsonValueExpander.LooksLikeJson(Encoding.UTF8.GetBytes(value)));
    }

    // Blanks are what string.TrimStart skips: non-ASCII spaces too (the parser then refuses them), a BOM not.
    [Theory]
    [InlineData(" \t\r\n{}", true)]
    [InlineData("\u00A0{}", true)]
    [InlineData("\u3000\u2028[", true)]
    [InlineData("\u0085[1]", true)]
    [InlineData("\uFEFF{}", false)]
    [InlineData("\u200B{}", false)]
    [InlineData("é{}", false)]
    [InlineData("   ", false)]
    public void The_utf8_check_skips_the_same_blanks_as_the_string_check(string escaped, bool looksLikeJson)
    {
        var value = System.Text.RegularExpressions.Regex.Unescape(escaped);

        Assert.Equal(looksLikeJson, JsonValueExpander.LooksLikeJson(value));
        Assert.Equal(looksLikeJson, JsonValueExpander.LooksLikeJson(Encoding.UTF8.GetBytes(value)));
    }

    [Fact]
    public void The_utf8_overload_counts_the_expansion_ratio_in_characters_as_the_string_overload_does()
    {
        // 20,000 one-digit elements and a string of 20,000 two-byte characters expand to 2.15 times the value's
        // characters but 1.6 times its bytes: a ratio of 2 refuses it only when counted in characters.
        var value = "[" + string.Concat(Enumerable.Repeat("1,", 20_000)) + "\"" + new string('é', 20_000) + "\"]";
        var limits = new JsonExpansionLimits { MaxPaths = 100_000, MaxExpansionRatio = 2 };
        var fromText = new List<KeyValuePair<string, string?>>();
        var fromBytes = new List<KeyValuePair<string, string?>>();

        Assert.Equal(JsonExpansionOutcome.OverMaxExpansionRatio, JsonValueExpander.Expand("p", value, limits, fromText));
        Assert.Equal(JsonExpansionOutcome.OverMaxExpansionRatio, JsonValueExpander.Expand("p", Encoding.UTF8.GetBytes(value), limits, fromBytes));
        Assert.Empty(fromBytes);
    }
}
