using NatsKvConfig.Cli;

namespace NatsKvConfig.IntegrationTests.Cli;

/// <summary>One run of <c>nats-kv-config</c>, in-process, with its own standard streams and environment.</summary>
internal sealed record CliRun(int ExitCode, string Out, string Err)
{
    /// <summary>Runs the tool against <paramref name="url"/> (as <c>NATS_URL</c>), with nothing else from the environment.</summary>
    public static Task<CliRun> Async(string url, params string[] args) => Async(new Dictionary<string, string> { ["NATS_URL"] = url }, null, args);

    public static async Task<CliRun> Async(IReadOnlyDictionary<string, string> environment, string? input, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var reader = new StringReader(input ?? string.Empty);
        var console = new CliConsole(output, error, reader, name => environment.GetValueOrDefault(name));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var code = await CliApplication.RunAsync(args, console, handleTermination: false, timeout.Token);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    /// <summary>Asserts success and returns standard output.</summary>
    public string Ok()
    {
        Assert.True(ExitCode == 0, $"exit code {ExitCode}, stderr: {Err}");
        return Out;
    }

    /// <summary>Asserts a failure with <paramref name="exitCode"/> reported as one line on standard error, and returns it.</summary>
    public string Fails(int exitCode)
    {
        Assert.True(ExitCode == exitCode, $"exit code {ExitCode}, expected {exitCode}; stdout: {Out} stderr: {Err}");
        var line = Assert.Single(Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        Assert.DoesNotContain("   at ", Err); // no stack trace
        return line;
    }
}
