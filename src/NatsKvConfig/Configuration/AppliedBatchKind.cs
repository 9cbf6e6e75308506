namespace NatsKvConfig;

/// <summary>See <see cref="AppliedBatch.Kind"/>.</summary>
internal enum AppliedBatchKind
{
    /// <summary>A new state for readers (possibly the same as before).</summary>
    Published,

    /// <summary>A part of a full state, staged; nothing for readers yet.</summary>
    Staged,

    /// <summary>A later part of a full state whose earlier parts were lost: the state must be read again.</summary>
    Incomplete,
}
