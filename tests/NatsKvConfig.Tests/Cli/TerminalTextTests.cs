using NatsKvConfig.Cli.Output;

namespace NatsKvConfig.Tests.Cli;

public sealed class TerminalTextTests
{
    [Theory]
    [InlineData("\u001b[31mred", "\\u001b[31mred")]
    [InlineData("bell\u0007", "bell\\u0007")]
    [InlineData("nul\0", "nul\\u0000")]
    [InlineData("over\rwrite", "over\\u000dwrite")]
    [InlineData("del\u007f", "del\\u007f")]
    [InlineData("csi\u009b31m", "csi\\u009b31m")]
    [InlineData("admin\u202Egnp.exe", "admin\\u202egnp.exe")]
    [InlineData("isolate\u2066x\u2069", "isolate\\u2066x\\u2069")]
    public void Control_characters_and_bidi_overrides_become_visible_escapes(string value, string shown)
    {
        Assert.Equal(shown, TerminalText.Escape(value));
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("two\nlines\tand a tab")]
    [InlineData("ünïcödé ✓ 日本")]
    [InlineData("")]
    public void Ordinary_text_is_returned_as_it_is(string value)
    {
        Assert.Same(value, TerminalText.Escape(value));
    }

    [Fact]
    public void Every_character_escaped_is_one_that_moves_or_styles_the_terminal_and_none_is_left_raw()
    {
        for (var c = '\0'; c < '\u3000'; c++)
        {
            var escaped = TerminalText.Escape(c.ToString());
            Assert.DoesNotContain(escaped, ch => ch < ' ' && ch is not '\n' and not '\t' || ch is >= '\u007f' and <= '\u009f');
            Assert.Equal(TerminalText.NeedsEscape(c), escaped.Length == 6);
        }
    }
}
