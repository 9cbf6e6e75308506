using System.Text.Json;

namespace NatsKvConfig;

/// <summary>
/// Reads an <c>appsettings.json</c>-style document into configuration paths and values exactly as
/// <c>AddJsonFile</c> does (comments and trailing commas allowed, <c>true</c> read as <c>True</c>, empty arrays
/// as <c>""</c>, <c>null</c> and empty objects as null values), saying clearly what is wrong when it cannot.
/// </summary>
internal static class ConfigurationDocument
{
    private static readonly JsonDocumentOptions Options = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = JsonValueExpander.MaxDepth,
    };

    /// <summary>The document's paths (from its root) and values, in document order.</summary>
    /// <exception cref="FormatException">
    /// The document is not JSON, not an object, repeats a path, or passes one of <paramref name="limits"/>; the
    /// message says where or which, never what.
    /// </exception>
    public static List<KeyValuePair<string, string?>> Read(string json, JsonExpansionLimits limits)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json, Options);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"The document must be a JSON object, as appsettings.json is; its root is {Describe(document.RootElement.ValueKind)}.");
            }
        }
        catch (JsonException exception)
        {
            // The parser's message quotes the offending text, which may be part of a value: give the position only.
            throw new FormatException(
                $"The document is not valid JSON (line {exception.LineNumber + 1}, byte {exception.BytePositionInLine + 1} of the line), or nests deeper than {JsonValueExpander.MaxDepth} levels.");
        }

        var paths = new List<KeyValuePair<string, string?>>();
        var outcome = JsonValueExpander.ExpandDocument(json, limits, paths);
        return outcome switch
        {
            JsonExpansionOutcome.Expanded => paths,
            JsonExpansionOutcome.Invalid => throw new FormatException(
                "The document repeats a configuration path (property names are compared ignoring case, as configuration does) or escapes a lone surrogate (\"\\uD800\"); AddJsonFile refuses it too."),
            _ => throw OverLimit("The document", outcome, limits),
        };
    }

    /// <summary>
    /// Expands a JSON value (any kind) at <paramref name="section"/>; the root (empty section) takes an object only.
    /// </summary>
    public static List<KeyValuePair<string, string?>> ReadAt(string section, string json, JsonExpansionLimits limits)
    {
        if (section.Length == 0)
        {
            return Read(json, limits);
        }

        var paths = new List<KeyValuePair<string, string?>>();
        var outcome = JsonValueExpander.Expand(section, json, limits, paths);
        return outcome switch
        {
            JsonExpansionOutcome.Expanded => paths,
            JsonExpansionOutcome.Invalid => throw new FormatException(
                $"The value for section '{section}' cannot be read as configuration: it repeats a configuration path (names differing only in case, such as dictionary keys) or nests deeper than {JsonValueExpander.MaxDepth} levels."),
            _ => throw OverLimit($"The value for section '{section}'", outcome, limits),
        };
    }

    private static FormatException OverLimit(string what, JsonExpansionOutcome outcome, JsonExpansionLimits limits) =>
        new($"{what} would expand past the limit {limits.Describe(outcome)}; raise {nameof(NatsKvConfigClientOptions)}.{nameof(NatsKvConfigClientOptions.JsonExpansionLimits)} (and the apps' {nameof(NatsKvConfigurationSource)}.{nameof(NatsKvConfigurationSource.JsonExpansionLimits)}) if it is meant to be this large.");

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };
}
