using System.Globalization;

namespace NatsKvConfig.Benchmarks;

/// <summary>CPU time and resident memory of nats-server processes, read from /proc (Linux), summed over the nodes.</summary>
internal readonly record struct ServerUsage(double CpuSeconds, long ResidentBytes)
{
    public static ServerUsage Of(IEnumerable<int> processIds)
    {
        double cpu = 0;
        long resident = 0;
        foreach (var pid in processIds)
        {
            // /proc/<pid>/stat: the command is in parentheses and may hold spaces; utime and stime are the 14th and
            // 15th fields, in clock ticks (100 per second on Linux).
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            cpu += (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
            var rss = File.ReadLines($"/proc/{pid}/status").First(line => line.StartsWith("VmRSS:", StringComparison.Ordinal));
            resident += long.Parse(rss.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024; // "VmRSS:\t  123 kB", or no space past 9,999,999 kB
        }

        return new ServerUsage(cpu, resident);
    }
}
