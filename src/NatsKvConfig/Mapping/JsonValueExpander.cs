using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace NatsKvConfig;

/// <summary>
/// Expands a JSON object or array value into configuration paths under the key's own path, the way
/// <c>AddJsonFile</c> reads a section, so both sources bind alike.
/// </summary>
internal static class JsonValueExpander
{
    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
    };

    /// <summary>Tells whether a value is meant as JSON: its first non-blank character opens an object or array.</summary>
    public static bool LooksLikeJson(string value)
    {
        var trimmed = value.AsSpan().TrimStart();
        return trimmed.Length > 0 && trimmed[0] is '{' or '[';
    }

    /// <summary>
    /// Expands <paramref name="value"/> into <paramref name="output"/>. Returns <see langword="false"/>, adding
    /// nothing, when it is not valid JSON or repeats a property name (which <c>AddJsonFile</c> rejects too).
    /// </summary>
    public static bool TryExpand(string path, string value, List<KeyValuePair<string, string?>> output)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(value, DocumentOptions);
        }
        catch (JsonException)
        {
            return false;
        }

        using (document)
        {
            var start = output.Count;
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            if (Visit(path, document.RootElement, output, seen))
            {
                return true;
            }

            output.RemoveRange(start, output.Count - start);
            return false;
        }
    }

    private static bool Visit(string path, JsonElement element, List<KeyValuePair<string, string?>> output, HashSet<string> seen)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var anyProperty = false;
                foreach (var property in element.EnumerateObject())
                {
                    anyProperty = true;
                    if (!Visit(ConfigurationPath.Combine(path, property.Name), property.Value, output, seen))
                    {
                        return false;
                    }
                }

                return anyProperty || Add(path, null, output, seen);

            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (!Visit(ConfigurationPath.Combine(path, index.ToString(System.Globalization.CultureInfo.InvariantCulture)), item, output, seen))
                    {
                        return false;
                    }

                    index++;
                }

                // An empty array or object still makes its section exist; AddJsonFile gives "" and null.
                return index > 0 || Add(path, string.Empty, output, seen);

            case JsonValueKind.Null:
                return Add(path, null, output, seen);

            default:
                return Add(path, element.ToString(), output, seen);
        }
    }

    private static bool Add(string path, string? value, List<KeyValuePair<string, string?>> output, HashSet<string> seen)
    {
        if (!seen.Add(path))
        {
            return false;
        }

        output.Add(new KeyValuePair<string, string?>(path, value));
        return true;
    }
}
