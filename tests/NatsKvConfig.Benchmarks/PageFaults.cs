using System.Globalization;

namespace NatsKvConfig.Benchmarks;

/// <summary>The process's minor page faults so far (first touches of memory pages), where Linux reports them.</summary>
internal static class PageFaults
{
    /// <summary>The count from <c>/proc/self/stat</c>, or null where there is none.</summary>
    public static long? Minor()
    {
        try
        {
            // Fields after the command's closing parenthesis: state, ppid, ..., minflt is the 8th of them (man 5 proc).
            var stat = File.ReadAllText("/proc/self/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[7], CultureInfo.InvariantCulture);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
