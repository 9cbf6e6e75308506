using System.Globalization;
using System.Text;

namespace NatsKvConfig.Cli.Output;

/// <summary>
/// Text from the bucket made safe to print for people: a value (or a path made from an escaped key) could hold
/// an escape sequence that recolours, hides or rewrites what the terminal shows, or a bidi override that reorders
/// it. Every such character is shown as a visible <c>\uXXXX</c> instead. Line feeds and tabs stay (values span
/// lines); <c>--json</c> and <c>get --raw</c> print values exactly and never come here.
/// </summary>
internal static class TerminalText
{
    /// <summary><paramref name="text"/> with every character <see cref="NeedsEscape"/> finds written as <c>\uXXXX</c>.</summary>
    public static string Escape(string text)
    {
        var first = IndexOfEscape(text);
        if (first < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16).Append(text, 0, first);
        for (var i = first; i < text.Length; i++)
        {
            var c = text[i];
            if (NeedsEscape(c))
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// C0 controls but line feed and tab (carriage return included: it moves the cursor back over what was shown),
    /// DEL, C1 controls (U+0080–U+009F: U+009B alone starts a sequence on some terminals), and the bidi embeddings,
    /// overrides and isolates (U+202A–U+202E, U+2066–U+2069).
    /// </summary>
    public static bool NeedsEscape(char c) =>
        (c < ' ' && c is not '\n' and not '\t')
        || c is >= '\u007f' and <= '\u009f'
        || c is >= '\u202a' and <= '\u202e'
        || c is >= '\u2066' and <= '\u2069';

    private static int IndexOfEscape(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (NeedsEscape(text[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
