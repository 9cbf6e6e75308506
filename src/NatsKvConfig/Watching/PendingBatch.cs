namespace NatsKvConfig;

/// <summary>Changes drained from <see cref="PendingChanges"/>, in revision order.</summary>
/// <param name="Changes">The changes, oldest first.</param>
/// <param name="Part">Whether they are live changes, or part (or the end) of a full state being read.</param>
/// <param name="Generation">Which full state they belong to: a restarted read starts a new generation.</param>
/// <param name="FullStateSize">How many entries the full state holds in all, as the watch reported at its start; 0 if unknown.</param>
internal sealed record PendingBatch(IReadOnlyList<KvChange> Changes, FullStatePart Part, int Generation, int FullStateSize = 0)
{
    /// <summary>A batch with nothing to apply.</summary>
    public static PendingBatch Empty { get; } = new([], FullStatePart.None, 0);

    /// <summary>When the bucket's stream was created, for a full state: it identifies the bucket the state belongs to.</summary>
    public DateTimeOffset StreamCreated { get; init; }

    /// <summary>
    /// Whether these changes complete a catch-up from a snapshot: with them applied, the provider holds what the
    /// bucket held when the watch resumed.
    /// </summary>
    public bool EndsCatchUp { get; init; }

    /// <summary>Whether applying this batch brings the provider level with the bucket for the first time since it started reading.</summary>
    public bool EndsInitialRead => Part == FullStatePart.Final || EndsCatchUp;

    /// <summary>
    /// For a full state, whether this is its first part: a later part with no staging begun for its generation
    /// means earlier parts were lost (a failed apply), and the state must be read again rather than published.
    /// </summary>
    public bool StartsFullState { get; init; }

    /// <summary>
    /// For live changes, nonzero when the stream's first sequence has risen to this revision: every key whose
    /// latest revision is below it has lost its message (a purge, an expiry) and is removed, as are delete
    /// markers below it, unless the key has changes held back (<see cref="HeldKeys"/>).
    /// </summary>
    public ulong PruneBelow { get; init; }

    /// <summary>With a prune, the keys whose newer changes are held back for the sentinel key: never pruned.</summary>
    public IReadOnlyCollection<string> HeldKeys { get; init; } = [];

    /// <summary>Whether there is nothing to apply.</summary>
    public bool IsEmpty => Changes.Count == 0 && Part == FullStatePart.None && !EndsCatchUp && PruneBelow == 0;
}
