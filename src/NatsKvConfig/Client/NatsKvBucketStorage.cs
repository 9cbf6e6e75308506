namespace NatsKvConfig;

/// <summary>Where a bucket's entries are stored.</summary>
public enum NatsKvBucketStorage
{
    /// <summary>On disk: survives server restarts. The default.</summary>
    File,

    /// <summary>In memory: faster, lost when the server stops.</summary>
    Memory,
}
