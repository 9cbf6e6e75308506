namespace NatsKvConfig;

/// <summary>
/// Where the provider stands in reading its bucket: the states of the life cycle <see cref="PendingChanges"/>
/// drives. Every provider starts reading the full state, or catching up from a snapshot, and ends live; a bucket
/// replaced (recreated, purged past what was read, or a failed apply) sends it back to reading the full state.
/// </summary>
/// <remarks>
/// <code>
///                 ┌──────────── BeginFullState (start, resync) ────────────┐
///                 ▼                                                        │
///   ReadingFullState ──CompleteFullState──► FullStateRead ──Drain──► Live ─┘
///   CatchingUp ──────CompleteCatchUp──────► CaughtUp ───────Drain──► Live
///      ▲
///      └── ResumeFrom (a snapshot's header read at start)
/// </code>
/// </remarks>
internal enum BucketPhase
{
    /// <summary>Reading the bucket's whole state; its entries are handed out as parts to stage, never shown alone.</summary>
    ReadingFullState,

    /// <summary>The whole state is read; the next drain hands it out, with any live changes since, as the final part.</summary>
    FullStateRead,

    /// <summary>Reading the changes since a restored snapshot, applied as they come over the snapshot's state.</summary>
    CatchingUp,

    /// <summary>Everything the bucket held when the catch-up began is read; the next drain says so.</summary>
    CaughtUp,

    /// <summary>Following live changes (held back for a sentinel key, if one is set).</summary>
    Live,
}
