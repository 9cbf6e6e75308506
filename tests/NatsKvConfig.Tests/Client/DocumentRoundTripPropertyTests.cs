using System.Text;
using CsCheck;
using Microsoft.Extensions.Configuration;

namespace NatsKvConfig.Tests.Client;

/// <summary>
/// Exporting what was imported gives the same configuration paths and values: a random document is read as the
/// client imports it, stored, read back as the provider reads the bucket, exported, and both documents are read
/// by AddJsonFile's own provider.
/// </summary>
public class DocumentRoundTripPropertyTests
{
    private static readonly Gen<string> Name = Gen.String[Gen.Char["abAB01 .=-_é"], 1, 5];

    private static readonly Gen<string> Text = Gen.String[Gen.Char.Where(c => !char.IsSurrogate(c)), 0, 8]
        .Where(s => !JsonValueExpander.LooksLikeJson(s));

    private static readonly Gen<string> Scalar = Gen.Frequency(
        (4, Text.Select(s => System.Text.Json.JsonSerializer.Serialize(s))),
        (2, Gen.OneOf("\"True\"", "\"true\"", "\"False\"", "\"1.50\"", "\"007\"", "\"-0\"", "\"1e3\"", "\"\"", "\"null\"")),
        (2, Gen.OneOf("0", "-1", "1.50", "1e3", "123456789012345678901234567890", "true", "false", "null")));

    private static readonly Gen<string> Value = Gen.Recursive<string>((depth, self) => depth >= 3
        ? Scalar
        : Gen.Frequency(
            (4, Scalar),
            (1, self.Array[0, 3].Select(items => "[" + string.Join(",", items) + "]")),
            (2, ObjectOf(self))));

    private static readonly Gen<string> Document = ObjectOf(Value);

    private static Gen<string> ObjectOf(Gen<string> value) =>
        Gen.Select(Name, value).Array[0, 4]
            .Where(props => props.Select(p => p.Item1).Distinct(StringComparer.OrdinalIgnoreCase).Count() == props.Length)
            .Select(props => "{" + string.Join(",", props.Select(p => System.Text.Json.JsonSerializer.Serialize(p.Item1) + ":" + p.Item2)) + "}");

    private static List<KeyValuePair<string, string?>> ReadWithAddJson(string json) =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build()
            .AsEnumerable()
            .Where(p => p.Value is not null || IsLeaf(json, p.Key))
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .ToList();

    // Sections appear in AsEnumerable with a null value; a leaf null ({} or null in the document) is a path of its own.
    private static bool IsLeaf(string json, string path) => ConfigurationDocument.Read(json, JsonExpansionLimits.Default).Any(p => string.Equals(p.Key, path, StringComparison.OrdinalIgnoreCase));

    [Fact]
    public void Exporting_what_was_imported_gives_the_same_paths_and_values()
    {
        Document.Sample(
            document =>
            {
                var imported = ConfigurationDocument.Read(document, JsonExpansionLimits.Default);
                var bucket = StoredConfiguration.Read(imported);
                var (exported, skipped) = JsonDocumentWriter.Write(bucket);

                Assert.Empty(skipped);
                Assert.Equal(ReadWithAddJson(document), ReadWithAddJson(exported));
            },
            iter: 500);
    }

    [Fact]
    public void Reading_a_document_gives_what_AddJsonFile_gives()
    {
        Document.Sample(
            document =>
            {
                var expected = ReadWithAddJson(document);
                var actual = ConfigurationDocument.Read(document, JsonExpansionLimits.Default).OrderBy(p => p.Key, StringComparer.Ordinal).ToList();

                Assert.Equal(expected, actual);
            },
            iter: 300);
    }
}
