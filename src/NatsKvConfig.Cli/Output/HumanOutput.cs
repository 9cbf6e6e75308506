using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace NatsKvConfig.Cli.Output;

/// <summary>
/// Output for people: aligned tables and coloured diffs. Every value goes in as plain <see cref="Text"/>, never
/// as markup, so a value with brackets prints as it is.
/// </summary>
internal static class HumanOutput
{
    private const int ValueWidth = 60;

    public static Table Table(params string[] columns)
    {
        var table = new Table().Border(TableBorder.Simple).BorderStyle(new Style(Color.Grey));
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(new Text(column, new Style(decoration: Decoration.Bold))));
        }

        return table;
    }

    /// <summary>
    /// <paramref name="renderable"/> without its blank lines and without the spaces that pad each line to the table's
    /// width: a table then reads the same in a terminal, and diffs and greps cleanly when piped.
    /// </summary>
    public static IRenderable Trimmed(IRenderable renderable) => new TrimmedLines(renderable);

    public static IRenderable Cell(string? text, Style? style = null) => new Text(text ?? string.Empty, style ?? Style.Plain);

    public static IRenderable Number(ulong number) => new Text(number.ToString(CultureInfo.InvariantCulture)).RightJustified();

    public static string Time(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A value on one line, shortened to fit a table cell (the full value is in <c>get</c> or <c>--json</c>).</summary>
    public static string Shorten(string? value)
    {
        if (value is null)
        {
            return string.Empty;
        }

        var line = value.ReplaceLineEndings("⏎");
        return line.Length <= ValueWidth ? line : string.Concat(line.AsSpan(0, ValueWidth - 1), "…");
    }

    public static IRenderable Operation(NatsKvConfigOperation operation) => operation switch
    {
        NatsKvConfigOperation.Put => new Text("put", new Style(Color.Green)),
        NatsKvConfigOperation.Delete => new Text("delete", new Style(Color.Red)),
        _ => new Text("purge", new Style(Color.Red)),
    };

    /// <summary>The planned or applied changes as a diff: <c>+</c> added, <c>~</c> changed (old and new), <c>-</c> removed.</summary>
    public static void Plan(IAnsiConsole console, NatsKvConfigPlan plan)
    {
        foreach (var change in plan.Changes)
        {
            var name = change.Path ?? change.Key;
            switch (change.Kind)
            {
                case NatsKvConfigChangeKind.Add:
                    console.Write(new Text($"+ {name} = {Shorten(change.NewValue)}\n", new Style(Color.Green)));
                    break;
                case NatsKvConfigChangeKind.Update:
                    console.Write(new Text($"~ {name}\n", new Style(Color.Yellow)));
                    console.Write(new Text($"    - {Shorten(change.OldValue)}\n", new Style(Color.Red)));
                    console.Write(new Text($"    + {Shorten(change.NewValue)}\n", new Style(Color.Green)));
                    break;
                default:
                    // Name the key deleted: a restore deletes keys created since on purpose, and says which.
                    console.Write(new Text($"- {name} (was {Shorten(change.OldValue)}; deletes key {change.Key})\n", new Style(Color.Red)));
                    break;
            }
        }
    }

    public static string Summary(NatsKvConfigPlan plan) =>
        $"{plan.Added.Count} added, {plan.Updated.Count} changed, {plan.Removed.Count} removed, {plan.Unchanged} unchanged";

    public static Table Bucket(NatsKvBucketInfo info)
    {
        var table = Table("Setting", "Value");
        table.AddRow(Cell("bucket"), Cell(info.Bucket));
        if (info.Description is { Length: > 0 } description)
        {
            table.AddRow(Cell("description"), Cell(description));
        }

        if (info.MirrorOf is { } origin)
        {
            table.AddRow(Cell("mirror of"), Cell(info.MirrorDomain is { } domain ? $"{origin} in domain {domain} (writes go there)" : $"{origin} (writes go there)"));
            table.AddRow(Cell("mirror lag"), Cell($"{(info.MirrorLag ?? 0).ToString("N0", CultureInfo.InvariantCulture)} entries"));
        }

        table.AddRow(Cell("history"), Cell(info.History.ToString(CultureInfo.InvariantCulture)));
        table.AddRow(Cell("ttl"), Cell(info.MaxAge == TimeSpan.Zero ? "none" : info.MaxAge.ToString("c", CultureInfo.InvariantCulture)));
        table.AddRow(Cell("replicas"), Cell(info.Replicas.ToString(CultureInfo.InvariantCulture)));
        table.AddRow(Cell("max bytes"), Cell(info.MaxBytes < 0 ? "unlimited" : info.MaxBytes.ToString("N0", CultureInfo.InvariantCulture)));
        table.AddRow(Cell("storage"), Cell(info.Storage == NatsKvBucketStorage.Memory ? "memory" : "file"));
        table.AddRow(Cell("keys"), Cell(info.Keys.ToString("N0", CultureInfo.InvariantCulture)));
        table.AddRow(Cell("entries"), Cell(info.Entries.ToString("N0", CultureInfo.InvariantCulture)));
        table.AddRow(Cell("bytes"), Cell(info.Bytes.ToString("N0", CultureInfo.InvariantCulture)));
        table.AddRow(Cell("revisions"), Cell(info.LastRevision == 0 ? "none yet" : $"{info.FirstRevision}–{info.LastRevision}"));
        table.AddRow(Cell("created"), Cell(Time(info.Created)));
        return table;
    }

    private sealed class TrimmedLines(IRenderable inner) : IRenderable
    {
        public Measurement Measure(RenderOptions options, int maxWidth) => inner.Measure(options, maxWidth);

        public IEnumerable<Segment> Render(RenderOptions options, int maxWidth)
        {
            foreach (var line in Segment.SplitLines(inner.Render(options, maxWidth)))
            {
                var segments = line.ToList();
                while (segments.Count > 0 && !segments[^1].IsControlCode && string.IsNullOrWhiteSpace(segments[^1].Text))
                {
                    segments.RemoveAt(segments.Count - 1);
                }

                if (segments.Count == 0)
                {
                    continue;
                }

                if (!segments[^1].IsControlCode)
                {
                    segments[^1] = new Segment(segments[^1].Text.TrimEnd(), segments[^1].Style);
                }

                foreach (var segment in segments)
                {
                    yield return segment;
                }

                yield return Segment.LineBreak;
            }
        }
    }
}
