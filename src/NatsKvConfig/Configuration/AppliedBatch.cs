namespace NatsKvConfig;

/// <summary>What applying one batch did.</summary>
/// <param name="Kind">Whether the batch was published, staged, or refused as part of an incomplete state.</param>
/// <param name="Changed">Whether readers see anything new.</param>
/// <param name="LostKeys">How many keys a prune removed: their messages had left the stream.</param>
internal readonly record struct AppliedBatch(AppliedBatchKind Kind, bool Changed, int LostKeys)
{
    public static AppliedBatch Staged => new(AppliedBatchKind.Staged, false, 0);

    public static AppliedBatch Incomplete => new(AppliedBatchKind.Incomplete, false, 0);
}
