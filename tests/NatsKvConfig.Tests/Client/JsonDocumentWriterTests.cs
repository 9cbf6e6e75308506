using System.Text.Json;

namespace NatsKvConfig.Tests.Client;

public class JsonDocumentWriterTests
{
    private static JsonElement Write(params (string Path, string? Value)[] values)
    {
        var (json, _) = JsonDocumentWriter.Write(values.Select(v => new KeyValuePair<string, string?>(v.Path, v.Value)));
        return JsonDocument.Parse(json).RootElement.Clone();
    }

    [Fact]
    public void Children_numbered_0_to_n_minus_1_become_an_array_in_numeric_order()
    {
        var root = Write(("list:10", "k"), ("list:2", "c"), ("list:0", "a"), ("list:1", "b"), ("list:3", "d"), ("list:4", "e"), ("list:5", "f"), ("list:6", "g"), ("list:7", "h"), ("list:8", "i"), ("list:9", "j"));

        Assert.Equal(JsonValueKind.Array, root.GetProperty("list").ValueKind);
        Assert.Equal("abcdefghijk", string.Concat(root.GetProperty("list").EnumerateArray().Select(e => e.GetString())));
    }

    [Fact]
    public void Children_with_a_gap_or_other_names_stay_an_object()
    {
        var root = Write(("gap:0", "a"), ("gap:2", "c"), ("mixed:0", "a"), ("mixed:x", "b"), ("padded:00", "a"));

        Assert.Equal(JsonValueKind.Object, root.GetProperty("gap").ValueKind);
        Assert.Equal(JsonValueKind.Object, root.GetProperty("mixed").ValueKind);
        Assert.Equal(JsonValueKind.Object, root.GetProperty("padded").ValueKind);
    }

    [Fact]
    public void Booleans_and_numbers_are_literals_that_read_back_as_the_same_text_and_everything_else_a_string()
    {
        var root = Write(("t", "True"), ("f", "False"), ("lower", "true"), ("n", "-12.50e+3"), ("lead", "007"), ("dot", "1."), ("s", "text"), ("nul", null), ("empty", ""));

        Assert.Equal(JsonValueKind.True, root.GetProperty("t").ValueKind);
        Assert.Equal(JsonValueKind.False, root.GetProperty("f").ValueKind);
        Assert.Equal(JsonValueKind.String, root.GetProperty("lower").ValueKind);
        Assert.Equal("-12.50e+3", root.GetProperty("n").GetRawText());
        Assert.Equal(JsonValueKind.String, root.GetProperty("lead").ValueKind);
        Assert.Equal(JsonValueKind.String, root.GetProperty("dot").ValueKind);
        Assert.Equal("text", root.GetProperty("s").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("nul").ValueKind);
        Assert.Equal("", root.GetProperty("empty").GetString());
    }

    [Fact]
    public void A_value_beside_children_is_left_out_and_reported_but_a_null_one_is_only_the_section()
    {
        var (json, skipped) = JsonDocumentWriter.Write([new("a", "v"), new("a:b", "child"), new("n", null), new("n:c", "child")]);

        Assert.Equal(["a"], skipped);
        var root = JsonDocument.Parse(json).RootElement;
        Assert.Equal("child", root.GetProperty("a").GetProperty("b").GetString());
        Assert.Equal("child", root.GetProperty("n").GetProperty("c").GetString());
    }

    [Fact]
    public void Names_differing_only_in_case_are_one_section_and_dots_stay_in_names()
    {
        var root = Write(("Logging:LogLevel:Microsoft.AspNetCore", "Warning"), ("logging:loglevel:Default", "Information"));

        var levels = root.GetProperty("Logging").GetProperty("LogLevel");
        Assert.Equal("Warning", levels.GetProperty("Microsoft.AspNetCore").GetString());
        Assert.Equal("Information", levels.GetProperty("Default").GetString());
    }

    [Fact]
    public void Nothing_is_an_empty_object()
    {
        Assert.Equal("{}", JsonDocumentWriter.Write([]).Json);
    }

    [Theory]
    [InlineData("0", true)]
    [InlineData("-0", true)]
    [InlineData("12.5", true)]
    [InlineData("1E-7", true)]
    [InlineData("01", false)]
    [InlineData("+1", false)]
    [InlineData(".5", false)]
    [InlineData("1.", false)]
    [InlineData("1e", false)]
    [InlineData("NaN", false)]
    [InlineData("", false)]
    [InlineData(" 1", false)]
    public void Only_text_written_exactly_as_a_json_number_is_one(string text, bool isNumber)
    {
        Assert.Equal(isNumber, JsonDocumentWriter.IsJsonNumber(text));
    }
}
