using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace NatsKvConfig;

/// <summary>
/// Expands a JSON object or array value into configuration paths under the key's own path, the way
/// <c>AddJsonFile</c> reads a section, so both sources bind alike — within <see cref="JsonExpansionLimits"/>, so
/// that no value can cost more than its limits allow. The one place every reader of values (the provider, the
/// snapshot, the client's projections and document reads, feature flags) expands JSON.
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
    /// Tells whether a UTF-8 value is meant as JSON, exactly as <see cref="LooksLikeJson(string)"/> tells for
    /// its decoded text: blanks are what <see cref="string.TrimStart()"/> skips, non-ASCII spaces included.
    /// </summary>
    public static bool LooksLikeJson(ReadOnlySpan<byte> utf8Value)
    {
        while (Rune.DecodeFromUtf8(utf8Value, out var rune, out var length) == OperationStatus.Done && Rune.IsWhiteSpace(rune))
        {
            utf8Value = utf8Value[length..];
        }

        return !utf8Value.IsEmpty && utf8Value[0] is (byte)'{' or (byte)'[';
    }

    /// <summary>
    /// Expands <paramref name="value"/> into <paramref name="output"/>. Adds nothing unless the outcome is
    /// <see cref="JsonExpansionOutcome.Expanded"/>: a value is refused as <see cref="JsonExpansionOutcome.Invalid"/>
    /// when it is not valid JSON, nests deeper than <see cref="MaxDepth"/>, repeats a path (a property name,
    /// case-insensitively), or escapes a lone surrogate (<c>"\uD800"</c>), which is not valid UTF-16 —
    /// <c>AddJsonFile</c> refuses all of these too, except that it lets a repeated empty <c>{}</c> or <c>[]</c>
    /// overwrite what came before — and as over a limit the moment its expansion would pass one. Never throws,
    /// whatever the input.
    /// </summary>
    /// <remarks>
    /// The parser enforces the depth limit before anything is visited, so the recursive walk below is at most
    /// <see cref="MaxDepth"/> calls deep whatever the value holds. Limits are checked before each path string is
    /// built, so a refused value costs its parse and what was built up to the limit, never its full expansion.
    /// </remarks>
    public static JsonExpansionOutcome Expand(string path, string value, JsonExpansionLimits limits, List<KeyValuePair<string, string?>> output) =>
        ExpandAt(path, value, limits, output);

    /// <summary>
    /// Expands a value given as its UTF-8 bytes, which must be valid UTF-8 (as an entry's value is once checked):
    /// the same outcome and output as <see cref="Expand(string, string, JsonExpansionLimits, List{KeyValuePair{string, string}})"/>
    /// gives for the decoded text, without decoding it first. Limits count the text's characters, as there.
    /// </summary>
    public static JsonExpansionOutcome Expand(string path, ReadOnlyMemory<byte> utf8Value, JsonExpansionLimits limits, List<KeyValuePair<string, string?>> output)
    {
        ArgumentNullException.ThrowIfNull(limits);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Value, DocumentOptions);
        }
        catch (JsonException)
        {
            return JsonExpansionOutcome.Invalid; // malformed, or nested deeper than MaxDepth
        }

        return Expand(path, document, Encoding.UTF8.GetCharCount(utf8Value.Span), limits, output);
    }

    /// <summary>
    /// Expands a whole document, an object as <c>AddJsonFile</c> reads it, into paths from the root: property
    /// <c>a</c> becomes path <c>a</c>, not <c>:a</c>. An empty object adds nothing. Same refusals as
    /// <see cref="Expand(string, string, JsonExpansionLimits, List{KeyValuePair{string, string}})"/>; the caller checks that the root is an object.
    /// </summary>
    public static JsonExpansionOutcome ExpandDocument(string document, JsonExpansionLimits limits, List<KeyValuePair<string, string?>> output) =>
        ExpandAt(null, document, limits, output);

    private static JsonExpansionOutcome ExpandAt(string? path, string value, JsonExpansionLimits limits, List<KeyValuePair<string, string?>> output)
    {
        ArgumentNullException.ThrowIfNull(limits);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(value, DocumentOptions);
        }
        catch (JsonException)
        {
            return JsonExpansionOutcome.Invalid; // malformed, or nested deeper than MaxDepth
        }

        return Expand(path, document, value.Length, limits, output);
    }

    // Walks a parsed value of valueLength characters, and disposes of it.
    private static JsonExpansionOutcome Expand(string? path, JsonDocument document, int valueLength, JsonExpansionLimits limits, List<KeyValuePair<string, string?>> output)
    {
        using (document)
        {
            var start = output.Count;
            var walk = new Walk(path, valueLength, limits, output);
            try
            {
                walk.Visit(path, document.RootElement);
            }
            catch (InvalidOperationException)
            {
                // The parser accepts an escaped lone surrogate; reading it as a string (value or property name) throws.
                walk.Outcome = JsonExpansionOutcome.Invalid;
            }

            if (walk.Outcome != JsonExpansionOutcome.Expanded)
            {
                output.RemoveRange(start, output.Count - start);
            }

            return walk.Outcome;
        }
    }

    /// <summary>One expansion: where it writes, what it has cost so far, and why it stopped, if it did.</summary>
    private sealed class Walk
    {
        private readonly JsonExpansionLimits _limits;
        private readonly List<KeyValuePair<string, string?>> _output;
        private readonly HashSet<string> _seen = new(StringComparer.OrdinalIgnoreCase);

        // The key's own path, and its length with the separator on every path below it: not the value's doing.
        private readonly string? _keyPath;
        private readonly int _baseLength;
        private readonly long _relativeBudget;
        private long _totalLength;
        private long _relativeLength;

        public Walk(string? path, int valueLength, JsonExpansionLimits limits, List<KeyValuePair<string, string?>> output)
        {
            _limits = limits;
            _output = output;
            _keyPath = path;
            _baseLength = path is null ? 0 : path.Length + 1;
            _relativeBudget = Math.Max(JsonExpansionLimits.RatioFreeLength, (long)limits.MaxExpansionRatio * valueLength);
        }

        public JsonExpansionOutcome Outcome { get; set; }

        // A null path is the document's root: its properties are paths of their own, and it has no value itself.
        // Returns false as soon as the walk must stop (Outcome says why).
        public bool Visit(string? path, JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    var anyProperty = false;
                    foreach (var property in element.EnumerateObject())
                    {
                        anyProperty = true;
                        if (ChildPath(path, property.Name) is not { } childPath || !Visit(childPath, property.Value))
                        {
                            return false;
                        }
                    }

                    return anyProperty || path is null || Add(path, null);

                case JsonValueKind.Array:
                    var index = 0;
                    foreach (var item in element.EnumerateArray())
                    {
                        if (ChildPath(path, index.ToString(CultureInfo.InvariantCulture)) is not { } childPath || !Visit(childPath, item))
                        {
                            return false;
                        }

                        index++;
                    }

                    // An empty array or object still makes its section exist; AddJsonFile gives "" and null.
                    return index > 0 || path is null || Add(path, string.Empty);

                case JsonValueKind.Null:
                    return path is null || Add(path, null);

                default:
                    return path is null ? Stop(JsonExpansionOutcome.Invalid) : Add(path, element.ToString());
            }
        }

        // Checks the path's cost before building it: a refused value never builds the path that would pass a limit.
        private string? ChildPath(string? parent, string name)
        {
            var length = parent is null ? name.Length : parent.Length + 1 + name.Length;
            if (length > _limits.MaxPathLength)
            {
                Stop(JsonExpansionOutcome.OverMaxPathLength);
                return null;
            }

            if (!Charge(length, length - _baseLength))
            {
                return null;
            }

            // What ConfigurationPath.Combine gives, without its params array and join.
            return parent is null ? name : string.Concat(parent, ConfigurationPath.KeyDelimiter, name);
        }

        private bool Add(string path, string? value)
        {
            if (_seen.Count >= _limits.MaxPaths)
            {
                return Stop(JsonExpansionOutcome.OverMaxPaths);
            }

            // Paths below the key were checked and charged as they were built; the key's own path (an empty or
            // scalar value's) is checked and charged here, as nothing of it lies below the key.
            if (ReferenceEquals(path, _keyPath))
            {
                if (path.Length > _limits.MaxPathLength)
                {
                    return Stop(JsonExpansionOutcome.OverMaxPathLength);
                }

                if (!Charge(path.Length, 0))
                {
                    return false;
                }
            }

            // A value is part of the input, so it costs no more than the input's length: charged once it exists.
            var valueLength = value?.Length ?? 0;
            if (!Charge(valueLength, valueLength))
            {
                return false;
            }

            if (!_seen.Add(path))
            {
                return Stop(JsonExpansionOutcome.Invalid);
            }

            _output.Add(new KeyValuePair<string, string?>(path, value));
            return true;
        }

        private bool Charge(long total, long relative)
        {
            _totalLength += total;
            _relativeLength += relative;
            if (_totalLength > _limits.MaxTotalLength)
            {
                return Stop(JsonExpansionOutcome.OverMaxTotalLength);
            }

            return _relativeLength <= _relativeBudget || Stop(JsonExpansionOutcome.OverMaxExpansionRatio);
        }

        private bool Stop(JsonExpansionOutcome outcome)
        {
            Outcome = outcome;
            return false;
        }
    }
}
