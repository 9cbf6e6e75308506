using ScottPlot;

namespace NatsKvConfig.Benchmarks;

/// <summary>The report's two pictures, drawn with ScottPlot.</summary>
internal static class Plots
{
    public static void LoadTime(IReadOnlyList<ColdLoadBenchmark.Result> results, string path)
    {
        var plot = new Plot();
        var keys = results.Select(r => Math.Log10(r.Keys)).ToArray();
        Line(plot, keys, results.Select(r => r.FloorMs).ToArray(), "floor: NATS.Net watch");
        Line(plot, keys, results.Select(r => r.WholeStreamMs).ToArray(), "NATS.Net watch of the whole stream");
        Line(plot, keys, results.Select(r => r.ProviderMs).ToArray(), "NatsKvConfig provider");
        var naive = results.Where(r => r.NaiveMs is not null).ToArray();
        if (naive.Length > 0)
        {
            Line(plot, naive.Select(r => Math.Log10(r.Keys)).ToArray(), naive.Select(r => r.NaiveMs!.Value).ToArray(), "naive: list keys, get each");
        }

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            results.Select(r => (Math.Log10(r.Keys), r.Keys.ToString("N0", System.Globalization.CultureInfo.InvariantCulture))).Select(t => new Tick(t.Item1, t.Item2)).ToArray());
        plot.Title("Cold load time against key count (median)");
        plot.XLabel("keys in the bucket");
        plot.YLabel("milliseconds");
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, 800, 500);
    }

    public static void Propagation(IReadOnlyList<PropagationBenchmark.Result> results, string path)
    {
        var plot = new Plot();
        foreach (var result in results)
        {
            Cdf(plot, result.FloorMs, $"floor, {result.LoadedKeys:N0} keys");
            Cdf(plot, result.ProviderMs, $"provider → IOptionsMonitor, {result.LoadedKeys:N0} keys");
        }

        plot.Title("Change propagation: put → seen (cumulative distribution)");
        plot.XLabel("milliseconds after the put was sent");
        plot.YLabel("percent of changes seen");
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(path, 800, 500);
    }

    private static void Line(Plot plot, double[] xs, double[] ys, string label)
    {
        var scatter = plot.Add.Scatter(xs, ys);
        scatter.LegendText = label;
        scatter.MarkerSize = 7;
    }

    private static void Cdf(Plot plot, double[] samples, string label)
    {
        var sorted = samples.Order().ToArray();
        var percents = Enumerable.Range(1, sorted.Length).Select(i => 100.0 * i / sorted.Length).ToArray();
        var line = plot.Add.Scatter(sorted, percents);
        line.LegendText = label;
        line.MarkerSize = 0;
    }
}
