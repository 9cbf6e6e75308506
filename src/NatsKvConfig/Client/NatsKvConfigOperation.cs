namespace NatsKvConfig;

/// <summary>What an entry in a key's history did.</summary>
public enum NatsKvConfigOperation
{
    /// <summary>A value was written.</summary>
    Put,

    /// <summary>The key was deleted (its history stays).</summary>
    Delete,

    /// <summary>The key was purged: deleted, with its earlier history removed.</summary>
    Purge,
}
