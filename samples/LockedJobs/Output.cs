using System.Globalization;

namespace LockedJobs;

/// <summary>Lines of the sample's output, each stamped with the time (UTC, milliseconds): a takeover's duration reads off them.</summary>
internal static class Output
{
    public static void Line(string text) =>
        Console.WriteLine($"{DateTime.UtcNow.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)}  {text}");
}
