using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace NatsKvConfig;

/// <summary>
/// One segment of a configuration path, read in place: the index keeps whole paths and reads a child's name
/// from the path that holds it, so it keeps no string of its own.
/// </summary>
internal static class ChildSegment
{
    private static readonly char Delimiter = ConfigurationPath.KeyDelimiter[0];

    /// <summary>Where the segment starting at <paramref name="start"/> ends: the next delimiter, or the path's end.</summary>
    public static int End(string path, int start)
    {
        var end = path.IndexOf(Delimiter, start);
        return end < 0 ? path.Length : end;
    }

    /// <summary>The segment of <paramref name="path"/> starting at <paramref name="start"/>.</summary>
    public static ReadOnlySpan<char> Of(string path, int start) => path.AsSpan(start, End(path, start) - start);

    /// <summary>The segment as a string; a root-level leaf is the path itself, so it is returned as is.</summary>
    public static string Name(string path, int start)
    {
        var end = End(path, start);
        return start == 0 && end == path.Length ? path : path.Substring(start, end - start);
    }

    /// <summary>
    /// Orders segments as <see cref="ConfigurationKeyComparer"/> orders them (empty first, then integers by value,
    /// then the rest ordinally ignoring case), breaking its ties ("1" and "01") ordinally ignoring case, so that
    /// this is 0 exactly when two segments name the same child.
    /// </summary>
    public static int Compare(ReadOnlySpan<char> x, ReadOnlySpan<char> y)
    {
        if (x.IsEmpty || y.IsEmpty)
        {
            return y.IsEmpty ? (x.IsEmpty ? 0 : 1) : -1;
        }

        // The comparer parses with the current culture too.
        var xIsInt = int.TryParse(x, NumberStyles.Integer, CultureInfo.CurrentCulture, out var xValue);
        var yIsInt = int.TryParse(y, NumberStyles.Integer, CultureInfo.CurrentCulture, out var yValue);
        if (xIsInt != yIsInt)
        {
            return xIsInt ? -1 : 1;
        }

        if (xIsInt && xValue != yValue)
        {
            return xValue.CompareTo(yValue);
        }

        return x.CompareTo(y, StringComparison.OrdinalIgnoreCase);
    }
}
