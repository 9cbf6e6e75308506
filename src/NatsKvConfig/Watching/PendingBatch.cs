namespace NatsKvConfig;

/// <summary>Changes drained from <see cref="PendingChanges"/>, in revision order.</summary>
/// <param name="Changes">The newest change of each key touched.</param>
/// <param name="IsFullState">True when the changes are the bucket's complete state and replace everything.</param>
internal sealed record PendingBatch(IReadOnlyList<KvChange> Changes, bool IsFullState)
{
    /// <summary>A batch with nothing to apply.</summary>
    public static PendingBatch Empty { get; } = new([], false);

    /// <summary>Whether there is nothing to apply.</summary>
    public bool IsEmpty => Changes.Count == 0 && !IsFullState;
}
