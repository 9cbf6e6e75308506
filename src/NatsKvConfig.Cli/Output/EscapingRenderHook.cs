using Spectre.Console.Rendering;

namespace NatsKvConfig.Cli.Output;

/// <summary>
/// The one place human output is made safe: attached to every console the tool writes to for people, it passes the
/// text of each segment through <see cref="TerminalText.Escape"/>, so no value in a table, a diff, a history, a watch
/// line or a warning reaches the terminal as a control character. Spectre's own control codes (colours) are
/// segments of their own and pass untouched.
/// </summary>
/// <remarks>
/// Escaping happens after layout: a cell holding control characters comes out wider than measured. Values are the
/// last column of every table the tool prints, so only that line gets longer.
/// </remarks>
internal sealed class EscapingRenderHook : IRenderHook
{
    public IEnumerable<IRenderable> Process(RenderOptions options, IEnumerable<IRenderable> renderables) =>
        renderables.Select(renderable => (IRenderable)new Escaped(renderable));

    private sealed class Escaped(IRenderable inner) : IRenderable
    {
        public Measurement Measure(RenderOptions options, int maxWidth) => inner.Measure(options, maxWidth);

        public IEnumerable<Segment> Render(RenderOptions options, int maxWidth)
        {
            foreach (var segment in inner.Render(options, maxWidth))
            {
                if (segment.IsControlCode || segment.IsLineBreak)
                {
                    yield return segment;
                    continue;
                }

                var text = TerminalText.Escape(segment.Text);
                yield return ReferenceEquals(text, segment.Text) ? segment : new Segment(text, segment.Style);
            }
        }
    }
}
