namespace NatsKvConfig.Tests.Client;

public class ConfigurationDocumentTests
{
    [Fact]
    public void A_document_reads_as_AddJsonFile_reads_it_with_dotted_names_kept_whole()
    {
        var paths = ConfigurationDocument.Read("""
            {
              "Logging": { "LogLevel": { "Default": "Information", "Microsoft.AspNetCore": "Warning" } },
              "AllowedHosts": "*", "Flag": true, "Empty": [], "Nothing": null, "NoChildren": {}, "List": [1, 2]
            }
            """, JsonExpansionLimits.Default);

        Assert.Equal(
            [
                new("Logging:LogLevel:Default", "Information"), new("Logging:LogLevel:Microsoft.AspNetCore", "Warning"), new("AllowedHosts", "*"),
                new("Flag", "True"), new("Empty", ""), new("Nothing", null), new("NoChildren", null), new("List:0", "1"), new("List:1", "2"),
            ],
            paths);
    }

    [Theory]
    [InlineData("{\"a\": \"secret\",}", true)]
    [InlineData("{ /* comment */ \"a\": \"secret\" }", true)]
    [InlineData("{\"a\": \"secret\" \"b\": 1}", false)]
    [InlineData("{\"a\": \"secret\"", false)]
    [InlineData("\"secret\"", false)]
    [InlineData("{\"a\": \"secret\", \"a\": \"other\"}", false)]
    [InlineData("{\"a\": \"\\uD800secret\"}", false)]
    public void Comments_and_trailing_commas_are_fine_and_errors_never_quote_the_document(string json, bool valid)
    {
        if (valid)
        {
            Assert.Equal("secret", ConfigurationDocument.Read(json, JsonExpansionLimits.Default).Single().Value);
            return;
        }

        var exception = Assert.Throws<FormatException>(() => ConfigurationDocument.Read(json, JsonExpansionLimits.Default));
        Assert.DoesNotContain("secret", exception.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_deeper_than_64_levels_is_refused()
    {
        var deep = string.Concat(Enumerable.Repeat("{\"a\":", 70)) + "1" + new string('}', 70);

        var exception = Assert.Throws<FormatException>(() => ConfigurationDocument.Read(deep, JsonExpansionLimits.Default));

        Assert.Contains("64", exception.Message, StringComparison.Ordinal);
    }
}
