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
    }
}
