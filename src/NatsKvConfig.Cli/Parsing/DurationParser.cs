using System.CommandLine.Parsing;
using System.Globalization;

namespace NatsKvConfig.Cli.Parsing;

/// <summary>
/// Durations as the <c>nats</c> CLI writes them: a number with a unit (<c>500ms</c>, <c>30s</c>, <c>10m</c>,
/// <c>2h</c>, <c>7d</c>, <c>1w</c>, <c>1y</c>), several in a row (<c>1h30m</c>), a .NET time span (<c>01:30:00</c>), or
/// <c>0</c> for none.
/// </summary>
internal static class DurationParser
{
    public const string Format = "a number with a unit (500ms, 30s, 10m, 2h, 7d, 1w, 1y; combined as 1h30m), hh:mm:ss, or 0";

    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        if (text == "0")
        {
            return true;
        }

        if (text.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration) && duration >= TimeSpan.Zero;
        }

        var total = TimeSpan.Zero;
        var position = 0;
        while (position < text.Length)
        {
            var start = position;
            while (position < text.Length && (char.IsAsciiDigit(text[position]) || text[position] == '.'))
            {
                position++;
            }

            if (position == start || !double.TryParse(text.AsSpan(start, position - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
            {
                return false;
            }

            var unitStart = position;
            while (position < text.Length && char.IsAsciiLetter(text[position]))
            {
                position++;
            }

            if (UnitOf(text[unitStart..position]) is not { } unit)
            {
                return false;
            }

            var ticks = amount * unit.Ticks;
            if (ticks > TimeSpan.MaxValue.Ticks - total.Ticks)
            {
                return false;
            }

            total += TimeSpan.FromTicks((long)ticks);
        }

        duration = total;
        return true;
    }

    /// <summary>For an option's <c>CustomParser</c>: the duration, or a parse error naming the option and the format.</summary>
    public static TimeSpan ParseArgument(ArgumentResult result, bool allowZero)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
        if (!TryParse(text, out var duration))
        {
            result.AddError($"'{text}' is not a duration for {OptionName(result)}: use {Format}.");
            return TimeSpan.Zero;
        }

        if (!allowZero && duration == TimeSpan.Zero)
        {
            result.AddError($"{OptionName(result)} must be longer than zero.");
        }

        return duration;
    }

    internal static string OptionName(ArgumentResult result) =>
        result.Parent is OptionResult option ? option.Option.Name : result.Argument.Name;

    private static TimeSpan? UnitOf(string unit) => unit.ToLowerInvariant() switch
    {
        "ms" => TimeSpan.FromMilliseconds(1),
        "s" => TimeSpan.FromSeconds(1),
        "m" or "min" => TimeSpan.FromMinutes(1),
        "h" => TimeSpan.FromHours(1),
        "d" => TimeSpan.FromDays(1),
        "w" => TimeSpan.FromDays(7),
        "y" => TimeSpan.FromDays(365),
        _ => null,
    };
}
