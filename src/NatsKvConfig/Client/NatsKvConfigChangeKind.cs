namespace NatsKvConfig;

/// <summary>What a planned change does to its key.</summary>
public enum NatsKvConfigChangeKind
{
    /// <summary>Writes a key that has no value now.</summary>
    Add,

    /// <summary>Replaces the key's value with a different one.</summary>
    Update,

    /// <summary>Deletes the key.</summary>
    Delete,
}
