using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;

namespace NatsKvConfig.Tests.Mapping;

/// <summary>
/// What <c>AddJsonFile</c> makes of a value, as an independent reference for <see cref="JsonValueExpander"/>:
/// the value is placed under one property of a wrapper document and read by the real JSON configuration
/// provider. Only good for values nested well below System.Text.Json's depth limit (the wrapper adds a level).
/// </summary>
internal static class JsonReference
{
    private static readonly JsonDocumentOptions Grammar = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    /// <summary>The paths and values under <paramref name="path"/>, or null when AddJsonFile would refuse the value.</summary>
    public static Dictionary<string, string?>? Expand(string path, string value)
    {
        // One JSON value and nothing else (the wrapper alone would accept "[1], "x": 2" as two properties), and
        // no path twice: AddJsonFile refuses a repeated leaf but lets a repeated empty {} or [] overwrite
        // silently ({"a":1,"a":{}} gives a = null); the expander refuses every repeated path alike.
        try
        {
            using var document = JsonDocument.Parse(value, Grammar);
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            if (!NoPathTwice(document.RootElement, string.Empty, seen))
            {
                return null;
            }
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            return null;
        }

        JsonStreamConfigurationProvider provider;
        try
        {
            var root = new ConfigurationBuilder()
                .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes("{\"r\":\n" + value + "\n}")))
                .Build();
            provider = root.Providers.OfType<JsonStreamConfigurationProvider>().Single();
        }
        catch (Exception exception) when (exception is FormatException or InvalidOperationException or JsonException)
        {
            return null;
        }

        // Sections are listed too; only entries the provider holds are data.
        var result = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var key in Paths(provider, null))
        {
            if (provider.TryGet(key, out var leaf))
            {
                result[path + key[1..]] = leaf; // "r" or "r:..." becomes path or path:...
            }
        }

        return result;
    }

    private static bool NoPathTwice(JsonElement element, string path, HashSet<string> seen) => element.ValueKind switch
    {
        JsonValueKind.Object when element.EnumerateObject().Any() =>
            element.EnumerateObject().All(p => NoPathTwice(p.Value, path + ":" + p.Name, seen)),
        JsonValueKind.Array when element.GetArrayLength() > 0 =>
            element.EnumerateArray().Select((item, i) => (item, i)).All(x => NoPathTwice(x.item, path + ":" + x.i, seen)),
        _ => seen.Add(path),
    };

    private static IEnumerable<string> Paths(IConfigurationProvider provider, string? parent)
    {
        foreach (var child in provider.GetChildKeys([], parent).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var full = parent is null ? child : ConfigurationPath.Combine(parent, child);
            yield return full;
            foreach (var below in Paths(provider, full))
            {
                yield return below;
            }
        }
    }
}
