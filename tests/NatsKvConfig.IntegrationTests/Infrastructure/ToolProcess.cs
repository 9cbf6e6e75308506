using System.Diagnostics;

namespace NatsKvConfig.IntegrationTests.Infrastructure;

/// <summary>The <c>nats-kv-config</c> tool run as a process of its own, as a user's shell runs it.</summary>
internal static class ToolProcess
{
    /// <summary>
    /// Runs the tool with <paramref name="args"/> and waits (at most a minute) for it to exit. None of the test
    /// run's own <c>NATS_*</c> variables reach it: only <paramref name="environment"/>.
    /// </summary>
    public static async Task<(int Code, string Out, string Err)> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        start.ArgumentList.Add(BuiltPrograms.Find(Path.Combine("src", "NatsKvConfig.Cli"), "nats-kv-config.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var name in start.Environment.Keys.Where(name => name.StartsWith("NATS_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output, await error);
    }
}
