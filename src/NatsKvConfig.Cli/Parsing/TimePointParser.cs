using System.CommandLine.Parsing;
using System.Globalization;

namespace NatsKvConfig.Cli.Parsing;

/// <summary>
/// A point in time: an ISO 8601 date and time (<c>2026-11-26T14:30:00Z</c>; UTC when it has no offset), or a
/// duration meaning that long ago (<c>15m</c>, <c>2h ago</c>).
/// </summary>
internal static class TimePointParser
{
    public const string Format = "an ISO 8601 time (2026-11-26T14:30:00Z; UTC without an offset) or how long ago (15m, 2h ago)";

    public static bool TryParse(string? text, DateTimeOffset now, out DateTimeOffset time)
    {
        time = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        var ago = text.EndsWith(" ago", StringComparison.OrdinalIgnoreCase) ? text[..^4] : text;
        if (DurationParser.TryParse(ago, out var duration) && !ago.Contains(':', StringComparison.Ordinal))
        {
            time = now - duration;
            return true;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);
    }

    /// <summary>For an option's <c>CustomParser</c>.</summary>
    public static DateTimeOffset ParseArgument(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
        if (!TryParse(text, DateTimeOffset.UtcNow, out var time))
        {
            result.AddError($"'{text}' is not a time for {DurationParser.OptionName(result)}: use {Format}.");
        }

        return time;
    }
}
