using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace NatsKvConfig.Benchmarks;

/// <summary>Writes <c>benchmarks.md</c>: a table per scenario with medians, ratios, goals and the machine.</summary>
internal sealed class Report
{
    private readonly StringBuilder _text = new();

    public Report(BenchSettings settings, string serverVersion)
    {
        _text.AppendLine("# Benchmarks")
            .AppendLine()
            .AppendLine("Every comparison runs both sides in the same process, against the same local nats-server and data,")
            .AppendLine("alternating which goes first, over several rounds; the tables show medians and ratios. Performance is")
            .AppendLine("measured here, never asserted in tests. On the small virtual machine these numbers come from, whole runs")
            .AppendLine("vary by up to a third from one another; ratios within a run hold better than absolute times.")
            .AppendLine()
            .AppendLine("Every side is checked to have done all of its work: the cold-load floor counts every entry of the bucket")
            .AppendLine("(not only up to the first that reports no more pending), the provider must hold every key after `Build()`,")
            .AppendLine("memory is measured after `GetChildren()` as binding calls it (so the child index is in it), and the apply")
            .AppendLine("cost runs past the view's merge threshold several times. Each goal is shown beside the bound it must reach;")
            .AppendLine("a verdict is \"met\" (the goal), \"goal missed, must-reach met\", or \"missed\" (the bound too), and every")
            .AppendLine("section says in words where a goal is missed.")
            .AppendLine()
            .AppendLine("| machine | |")
            .AppendLine("|---|---|")
            .AppendLine(CultureInfo.InvariantCulture, $"| CPU | {CpuModel()} ({Environment.ProcessorCount} cores) |")
            .AppendLine(CultureInfo.InvariantCulture, $"| OS | {RuntimeInformation.OSDescription} |")
            .AppendLine(CultureInfo.InvariantCulture, $"| .NET | {RuntimeInformation.FrameworkDescription} |")
            .AppendLine(CultureInfo.InvariantCulture, $"| nats-server | {serverVersion} (one local node, file storage) |")
            .AppendLine(CultureInfo.InvariantCulture, $"| run | {(settings.Quick ? "quick (tiny sizes: a smoke test, not a measurement)" : "full")}, {DateTime.UtcNow:yyyy-MM-dd} |")
            .AppendLine()
            .AppendLine("Reproduce with `./build.sh bench` (writes this page and its plots into `docs/`); `./build.sh bench --quick`")
            .AppendLine("runs every scenario at tiny sizes, as CI does. In-process BenchmarkDotNet micro benchmarks of reads,")
            .AppendLine("child keys and apply cost: [benchmarks-micro.md](benchmarks-micro.md) (`./build.sh bench --micro`).")
            .AppendLine();
    }

    public Report Section(string title, string explanation)
    {
        _text.AppendLine(CultureInfo.InvariantCulture, $"## {title}").AppendLine().AppendLine(explanation).AppendLine();
        return this;
    }

    public Report Table(string[] header, IEnumerable<string[]> rows)
    {
        _text.AppendLine("| " + string.Join(" | ", header) + " |")
            .AppendLine("|" + string.Concat(Enumerable.Repeat("---|", header.Length)));
        foreach (var row in rows)
        {
            _text.AppendLine("| " + string.Join(" | ", row) + " |");
        }

        _text.AppendLine();
        return this;
    }

    public Report Paragraph(string text)
    {
        _text.AppendLine(text).AppendLine();
        return this;
    }

    public void Save(string path) => File.WriteAllText(path, _text.ToString());

    private static string CpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo")
                .FirstOrDefault(line => line.StartsWith("model name", StringComparison.Ordinal))?
                .Split(':', 2)[1].Trim() ?? RuntimeInformation.ProcessArchitecture.ToString();
        }
        catch (IOException)
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }
    }
}
