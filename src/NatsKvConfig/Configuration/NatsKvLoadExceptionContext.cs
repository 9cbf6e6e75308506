namespace NatsKvConfig;

/// <summary>What <see cref="NatsKvConfigurationSource.OnLoadException"/> is told when the initial load fails.</summary>
public sealed class NatsKvLoadExceptionContext
{
    internal NatsKvLoadExceptionContext(NatsKvConfigurationSource source, Exception exception)
    {
        Source = source;
        Exception = exception;
    }

    /// <summary>The source that failed to load.</summary>
    public NatsKvConfigurationSource Source { get; }

    /// <summary>Why it failed: a <see cref="NatsKvConfigurationException"/> naming the bucket and servers.</summary>
    public Exception Exception { get; }

    /// <summary>
    /// Set to <see langword="true"/> to start with empty configuration instead of throwing; the provider keeps
    /// trying in the background and reloads as soon as the bucket is reachable.
    /// </summary>
    public bool Ignore { get; set; }
}
