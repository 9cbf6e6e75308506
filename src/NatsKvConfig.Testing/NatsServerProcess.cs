using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace NatsKvConfig.Testing;

/// <summary>
/// One run of a nats-server child process: started once, its output copied into a <see cref="ServerLog"/>,
/// ended by kill or terminate. A restart is a new instance.
/// </summary>
internal sealed class NatsServerProcess : IDisposable
{
    private static readonly TimeSpan ExitWaitOnTestProcessExit = TimeSpan.FromSeconds(1);

    private readonly Process _process;
    private readonly string? _ownedDirectory;

    private NatsServerProcess(Process process, string? ownedDirectory)
    {
        _process = process;
        _ownedDirectory = ownedDirectory;
        Id = process.Id;

        // A test that forgets to dispose its server must not leave it holding a port and disk space. (A test
        // process that is itself SIGKILLed runs no exit handlers; nothing can help then.)
        AppDomain.CurrentDomain.ProcessExit += OnTestProcessExit;
        process.Exited += (_, _) => AppDomain.CurrentDomain.ProcessExit -= OnTestProcessExit;
    }

    public int Id { get; }

    public bool HasExited
    {
        get
        {
            try
            {
                return _process.HasExited;
            }
            catch (InvalidOperationException)
            {
                return true;
            }
        }
    }

    public int? ExitCode => HasExited ? _process.ExitCode : null;

    /// <summary>Starts nats-server with its output captured into <paramref name="log"/>.</summary>
    /// <param name="binaryPath">The nats-server binary.</param>
    /// <param name="arguments">Its command line.</param>
    /// <param name="serverName">Labels its output lines in the test's logger.</param>
    /// <param name="ownedDirectory">A temp directory to delete if the test process exits with this server still running.</param>
    /// <param name="log">Receives every line it writes.</param>
    /// <param name="logger">Receives every line at debug level.</param>
    /// <returns>The running process.</returns>
    public static NatsServerProcess Start(
        string binaryPath,
        IReadOnlyList<string> arguments,
        string serverName,
        string? ownedDirectory,
        ServerLog log,
        ILogger logger)
    {
        var startInfo = new ProcessStartInfo(binaryPath)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            CreateNoWindow = true,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        void OnLine(string? line, bool fromStandardError)
        {
            if (line is null)
            {
                return;
            }

            log.Add(line, fromStandardError);
            HarnessLog.ServerOutput(logger, serverName, line);
        }

        process.OutputDataReceived += (_, e) => OnLine(e.Data, fromStandardError: false);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data, fromStandardError: true);
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            throw new NatsServerNotFoundException($"The nats-server binary '{binaryPath}' could not be started: {ex.Message}", ex);
        }

        var started = new NatsServerProcess(process, ownedDirectory);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    /// <summary>SIGKILL: the server gets no chance to flush or say goodbye, like a crash.</summary>
    public async Task KillAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            _process.Kill(entireProcessTree: false);
        }
        catch (InvalidOperationException)
        {
            // It had already exited.
        }

        await WaitForExitAsync(timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// SIGTERM, so the server shuts down cleanly; falls back to a kill where there are no signals
    /// (Windows) or when the server does not exit in time.
    /// </summary>
    public async Task TerminateAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (HasExited)
        {
            return;
        }

        if (OperatingSystem.IsWindows() || !await SendTermAsync(cancellationToken).ConfigureAwait(false))
        {
            await KillAsync(timeout, cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            await WaitForExitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await KillAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnTestProcessExit;
        _process.Dispose();
    }

    private void OnTestProcessExit(object? sender, EventArgs e)
    {
        try
        {
            _process.Kill(entireProcessTree: false);
            _process.WaitForExit(ExitWaitOnTestProcessExit);
        }
        catch (Exception ex) when (ex is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // Already gone, or disposed meanwhile: nothing to kill.
        }

        if (_ownedDirectory is not null)
        {
            NatsServer.TryDeleteDirectory(_ownedDirectory);
        }
    }

    /// <summary>Waits for the exit and for the last output lines to reach the log.</summary>
    public async Task WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(timeoutSource.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"nats-server (pid {Id}) did not exit within {timeout.TotalSeconds:0.#} s.");
        }
    }

    /// <summary>Runs <c>kill -TERM</c> on our own child's pid; .NET 8 has no API to send SIGTERM.</summary>
    private async Task<bool> SendTermAsync(CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo("kill")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        startInfo.ArgumentList.Add("-TERM");
        startInfo.ArgumentList.Add(Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            using var kill = Process.Start(startInfo);
            if (kill is null)
            {
                return false;
            }

            await kill.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            return kill.ExitCode == 0;
        }
        catch (Win32Exception)
        {
            return false;
        }
    }
}
