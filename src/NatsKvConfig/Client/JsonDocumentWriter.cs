using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace NatsKvConfig;

/// <summary>
/// Writes configuration paths and values as an <c>appsettings.json</c>-style document that <c>AddJsonFile</c> reads
/// back into the same paths and values.
/// </summary>
internal static class JsonDocumentWriter
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,
        // Keep non-ASCII text readable; the document is a configuration file, not HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// The document holding <paramref name="values"/> (paths relative to its root), and the paths it could not
    /// hold: a non-null value at a path that also has children, and paths that are not valid UTF-16.
    /// </summary>
    public static (string Json, List<string> SkippedPaths) Write(IEnumerable<KeyValuePair<string, string?>> values)
    {
        var root = new Node();
        var skipped = new List<string>();
        foreach (var (path, value) in values)
        {
            if (HasLoneSurrogate(path))
            {
                skipped.Add(path);
                continue;
            }

            var node = root;
            foreach (var segment in path.Split(ConfigurationPath.KeyDelimiter))
            {
                node = node.Child(segment);
            }

            node.Path = path;
            node.Value = value;
            node.HasValue = true;
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            WriteObject(writer, root, skipped);
        }

        return (Encoding.UTF8.GetString(buffer.ToArray()), skipped);
    }

    private static void WriteNode(Utf8JsonWriter writer, Node node, List<string> skipped)
    {
        if (node.Children.Count == 0)
        {
            WriteValue(writer, node.Value);
            return;
        }

        if (node.HasValue && node.Value is not null)
        {
            skipped.Add(node.Path!); // JSON cannot hold a value beside children; a null value is only the section existing
        }

        if (IsArray(node))
        {
            writer.WriteStartArray();
            for (var i = 0; i < node.Children.Count; i++)
            {
                WriteNode(writer, node.Children[i.ToString(CultureInfo.InvariantCulture)], skipped);
            }

            writer.WriteEndArray();
        }
        else
        {
            WriteObject(writer, node, skipped);
        }
    }

    private static void WriteObject(Utf8JsonWriter writer, Node node, List<string> skipped)
    {
        writer.WriteStartObject();
        foreach (var name in node.Children.Keys.Order(ConfigurationKeyComparer.Instance))
        {
            writer.WritePropertyName(name);
            WriteNode(writer, node.Children[name], skipped);
        }

        writer.WriteEndObject();
    }

    // Children named 0 to n-1, and nothing else: what a JSON array reads as.
    private static bool IsArray(Node node)
    {
        for (var i = 0; i < node.Children.Count; i++)
        {
            if (!node.Children.ContainsKey(i.ToString(CultureInfo.InvariantCulture)))
            {
                return false;
            }
        }

        return true;
    }

    // True, False and numbers are written as literals: AddJsonFile reads them back as the same text.
    private static void WriteValue(Utf8JsonWriter writer, string? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case "True":
                writer.WriteBooleanValue(true);
                break;
            case "False":
                writer.WriteBooleanValue(false);
                break;
            default:
                if (IsJsonNumber(value))
                {
                    writer.WriteRawValue(value);
                }
                else
                {
                    writer.WriteStringValue(value);
                }

                break;
        }
    }

    /// <summary>Whether the text is a number exactly as JSON writes one (so it reads back as the same text).</summary>
    internal static bool IsJsonNumber(string text)
    {
        var i = 0;
        if (i < text.Length && text[i] == '-')
        {
            i++;
        }

        if (i >= text.Length || !char.IsAsciiDigit(text[i]))
        {
            return false;
        }

        if (text[i] == '0')
        {
            i++;
        }
        else
        {
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
        }

        if (i < text.Length && text[i] == '.')
        {
            i++;
            var start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }

            if (i == start)
            {
                return false;
            }
        }

        if (i < text.Length && text[i] is 'e' or 'E')
        {
            i++;
            if (i < text.Length && text[i] is '+' or '-')
            {
                i++;
            }

            var start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }

            if (i == start)
            {
                return false;
            }
        }

        return i == text.Length;
    }

    private static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }

    private sealed class Node
    {
        public Dictionary<string, Node> Children { get; } = new(StringComparer.OrdinalIgnoreCase);

        public string? Path { get; set; }

        public string? Value { get; set; }

        public bool HasValue { get; set; }

        public Node Child(string name)
        {
            if (!Children.TryGetValue(name, out var child))
            {
                child = new Node();
                Children.Add(name, child);
            }

            return child;
        }
    }
}
