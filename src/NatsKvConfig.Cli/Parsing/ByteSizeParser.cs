using System.CommandLine.Parsing;
using System.Globalization;

namespace NatsKvConfig.Cli.Parsing;

/// <summary>
/// Sizes as the <c>nats</c> CLI reads them: a number of bytes, or one with a binary unit (<c>512K</c>, <c>10MB</c>,
/// <c>1GiB</c>: K, KB and KiB all mean 1024), or <c>-1</c> for no limit.
/// </summary>
internal static class ByteSizeParser
{
    public const string Format = "a number of bytes, or one with a unit (512K, 10MB, 1GiB; K, KB and KiB all mean 1024), or -1 for no limit";

    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        if (text == "-1")
        {
            bytes = -1;
            return true;
        }

        var digits = 0;
        while (digits < text.Length && char.IsAsciiDigit(text[digits]))
        {
            digits++;
        }

        if (digits == 0 || !long.TryParse(text.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            return false;
        }

        long? multiplier = text[digits..].Trim().ToUpperInvariant() switch
        {
            "" or "B" => 1,
            "K" or "KB" or "KIB" => 1L << 10,
            "M" or "MB" or "MIB" => 1L << 20,
            "G" or "GB" or "GIB" => 1L << 30,
            "T" or "TB" or "TIB" => 1L << 40,
            _ => null,
        };
        if (multiplier is not { } factor || amount > long.MaxValue / factor)
        {
            return false;
        }

        bytes = amount * factor;
        return true;
    }

    /// <summary>For an option's <c>CustomParser</c>.</summary>
    public static long ParseArgument(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
        if (!TryParse(text, out var bytes) || bytes == 0)
        {
            result.AddError($"'{text}' is not a size for {DurationParser.OptionName(result)}: use {Format}.");
        }

        return bytes;
    }
}
