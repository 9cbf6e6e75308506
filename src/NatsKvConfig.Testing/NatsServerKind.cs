namespace NatsKvConfig.Testing;

/// <summary>Where a <see cref="NatsServer"/> comes from, which decides what a test may do to it.</summary>
public enum NatsServerKind
{
    /// <summary>A server someone else runs, named by the <c>NATS_URL</c> environment variable; it cannot be killed or restarted.</summary>
    External,

    /// <summary>A <c>nats-server</c> child process that this harness started; it can be killed, stopped and restarted.</summary>
    Process,

    /// <summary>A Docker container started through Testcontainers; it cannot be killed or restarted on the same port.</summary>
    Container,
}
