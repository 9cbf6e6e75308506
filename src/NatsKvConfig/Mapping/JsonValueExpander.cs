using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace NatsKvConfig;

/// <summary>
/// Expands a JSON object or array value into configuration paths under the key's own path, the way
/// <c>AddJsonFile</c> reads a section, so both sources bind alike.
/// </summary>
internal static class JsonValueExpander
{
    /// <summary>
    /// How deeply objects and arrays may nest: System.Text.Json's default, which <c>AddJsonFile</c> uses too.
    /// A deeper value is refused (and kept as a plain string by the caller), never walked.
    /// </summary>
    public const int MaxDepth = 64;

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = MaxDepth,
    };

    /// <summary>Tells whether a value is meant as JSON: its first non-blank character opens an object or array.</summary>
    public static bool LooksLikeJson(string value)
    {
        var trimmed = value.AsSpan().TrimStart();
        return trimmed.Length > 0 && trimmed[0] is '{' or '[';
    }

    /// <summary>
    /// Expands <paramref name="value"/> into <paramref name="output"/>. Returns <see langword="false"/>, adding
    /// nothing, when it is not valid JSON, nests deeper than <see cref="MaxDepth"/>, repeats a path (a property
    /// name, case-insensitively), or escapes a lone surrogate (<c>"\uD800"</c>), which is not valid UTF-16.
    /// <c>AddJsonFile</c> refuses all of these too, except that it lets a repeated empty <c>{}</c> or <c>[]</c>
    /// overwrite what came before. Never throws, whatever the input.
    /// </summary>
    /// <remarks>
    /// The parser enforces the depth limit before anything is visited, so the recursive walk below is at most
    /// <see cref="MaxDepth"/> calls deep whatever the value holds.
    /// </remarks>
    public static bool TryExpand(string path, string value, List<KeyValuePair<string, string?>> output) =>
        TryExpandAt(path, value, output);

    /// <summary>
    /// Expands a whole document, an object as <c>AddJsonFile</c> reads it, into paths from the root: property
    /// <c>a</c> becomes path <c>a</c>, not <c>:a</c>. An empty object adds nothing. Same refusals as
    /// <see cref="TryExpand"/>; the caller checks that the root is an object.
    /// </summary>
    public static bool TryExpandDocument(string document, List<KeyValuePair<string, string?>> output) =>
        TryExpandAt(null, document, output);

    private static bool TryExpandAt(string? path, string value, List<KeyValuePair<string, string?>> output)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(value, DocumentOptions);
        }
        catch (JsonException)
        {
            return false; // malformed, or nested deeper than MaxDepth
        }

        using (document)
        {
            var start = output.Count;
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            try
            {
                if (Visit(path, document.RootElement, output, seen))
                {
                    return true;
                }
            }
            catch (InvalidOperationException)
            {
                // The parser accepts an escaped lone surrogate; reading it as a string (value or property name) throws.
            }

            output.RemoveRange(start, output.Count - start);
            return false;
        }
    }

    // A null path is the document's root: its properties are paths of their own, and it has no value itself.
    private static bool Visit(string? path, JsonElement element, List<KeyValuePair<string, string?>> output, HashSet<string> seen)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var anyProperty = false;
                foreach (var property in element.EnumerateObject())
                {
                    anyProperty = true;
                    if (!Visit(path is null ? property.Name : ConfigurationPath.Combine(path, property.Name), property.Value, output, seen))
                    {
                        return false;
                    }
                }

                return anyProperty || path is null || Add(path, null, output, seen);

            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    var name = index.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    if (!Visit(path is null ? name : ConfigurationPath.Combine(path, name), item, output, seen))
                    {
                        return false;
                    }

                    index++;
                }

                // An empty array or object still makes its section exist; AddJsonFile gives "" and null.
                return index > 0 || path is null || Add(path, string.Empty, output, seen);

            case JsonValueKind.Null:
                return path is null || Add(path, null, output, seen);

            default:
                return path is not null && Add(path, element.ToString(), output, seen);
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
