namespace NatsKvConfig.Testing;

/// <summary>
/// Thrown when no NATS server can be had for a test: no <c>NATS_URL</c>, no <c>nats-server</c> binary
/// and no Docker engine. The message says how to install one.
/// </summary>
public sealed class NatsServerNotFoundException : InvalidOperationException
{
    /// <summary>The install instructions that every message of this exception carries.</summary>
    internal const string HowToInstall =
        "Install nats-server in one of these ways:" + "\n" +
        "  Debian/Ubuntu: apt-get update && apt-get install -y nats-server" + "\n" +
        "  macOS (Homebrew): brew install nats-server" + "\n" +
        "  Go toolchain: go install github.com/nats-io/nats-server/v2@latest" + "\n" +
        "or set NATS_SERVER_BIN to the path of a nats-server binary, " +
        "or set NATS_URL to a running JetStream-enabled server (e.g. nats://127.0.0.1:4222, started with -js), " +
        "or run a Docker engine so the nats:2.10-alpine image can be started.";

    /// <summary>Creates the exception with the default message, which includes the install instructions.</summary>
    public NatsServerNotFoundException()
        : this("No nats-server was found to run a test server.")
    {
    }

    /// <summary>Creates the exception; the install instructions are appended to <paramref name="message"/>.</summary>
    /// <param name="message">Why no server could be found.</param>
    public NatsServerNotFoundException(string message)
        : base(WithInstructions(message))
    {
    }

    /// <summary>Creates the exception; the install instructions are appended to <paramref name="message"/>.</summary>
    /// <param name="message">Why no server could be found.</param>
    /// <param name="innerException">The failure that showed no server could be had.</param>
    public NatsServerNotFoundException(string message, Exception innerException)
        : base(WithInstructions(message), innerException)
    {
    }

    private static string WithInstructions(string? message) =>
        string.IsNullOrWhiteSpace(message) ? HowToInstall : message.TrimEnd() + "\n" + HowToInstall;
}
