using Microsoft.Extensions.Logging;

namespace NatsKvConfig.Testing;

/// <summary>What the harness tells the test's logger; source-generated so logging costs nothing when off.</summary>
internal static partial class HarnessLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Using the external NATS server at {Url} (from NATS_URL)")]
    public static partial void UsingExternalServer(ILogger logger, string url);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Started nats-server {ServerName} (pid {ProcessId}) from {BinaryPath} on {Url}, store {StoreDirectory}")]
    public static partial void ProcessStarted(ILogger logger, string serverName, int processId, string binaryPath, string url, string storeDirectory);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "nats-server {ServerName} is ready on {Url} after {ElapsedMilliseconds} ms")]
    public static partial void ServerReady(ILogger logger, string serverName, string url, long elapsedMilliseconds);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Port {Port} was taken before nats-server {ServerName} could bind it; retrying")]
    public static partial void PortTaken(ILogger logger, int port, string serverName);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Killed nats-server {ServerName} (pid {ProcessId})")]
    public static partial void ProcessKilled(ILogger logger, string serverName, int processId);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Stopped nats-server {ServerName} (pid {ProcessId})")]
    public static partial void ProcessStopped(ILogger logger, string serverName, int processId);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "Started a nats:2.10-alpine container on {Url}")]
    public static partial void ContainerStarted(ILogger logger, string url);

    [LoggerMessage(EventId = 8, Level = LogLevel.Debug, Message = "[{ServerName}] {Line}")]
    public static partial void ServerOutput(ILogger logger, string serverName, string line);

    [LoggerMessage(EventId = 9, Level = LogLevel.Debug, Message = "No Docker engine answered; not starting a container")]
    public static partial void DockerUnavailable(ILogger logger, Exception exception);
}
