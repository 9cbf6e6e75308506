namespace NatsKvConfig;

/// <summary>How <see cref="NatsKvConfigClient.RollbackAsync(NatsKvConfigKey, ulong, NatsKvRollbackOptions?, CancellationToken)"/> sets one key back.</summary>
public sealed class NatsKvRollbackOptions
{
    /// <summary>
    /// Whether the rollback may delete the key, when it had no value at the revision rolled back to (it did not
    /// exist yet, or was deleted then). <see langword="false"/> (the default) refuses such a rollback with
    /// <see cref="NatsKvRollbackWouldDeleteException"/>: a rollback never deletes by surprise.
    /// </summary>
    public bool AllowDelete { get; set; }
}
