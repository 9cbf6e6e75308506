namespace NatsKvConfig;

/// <summary>
/// What a renewal concludes from reading the lock's key after its compare-and-swap at the revision it last wrote was
/// refused: the key moved on, so only an entry newer than that write tells whose it is now. A read may come from a
/// replica that has not seen the newest writes yet; an entry at or below the last write is such a stale answer and
/// proves nothing, least of all that the renewal was stored.
/// </summary>
internal static class RenewalConflict
{
    public enum Verdict
    {
        /// <summary>The newer entry holds this handle's value: an earlier attempt was stored and only its reply was lost.</summary>
        Renewed,

        /// <summary>The newer entry is someone else's, a delete marker, or the key has no message left: the lock is gone.</summary>
        Lost,

        /// <summary>The read failed or was stale: ask again (until the loss deadline).</summary>
        Unknown,
    }

    /// <param name="read">The key as read after the refused write.</param>
    /// <param name="lastWritten">The revision this handle last wrote (the one the refused write expected).</param>
    /// <param name="value">This handle's value.</param>
    public static Verdict Judge(in LockKeyStore.Read read, ulong lastWritten, ReadOnlySpan<byte> value) => read.Kind switch
    {
        LockKeyStore.ReadKind.Failed => Verdict.Unknown,
        LockKeyStore.ReadKind.Missing => Verdict.Lost, // expired or purged: whatever a lagging replica says, not ours to renew
        _ when read.Revision <= lastWritten => Verdict.Unknown,
        LockKeyStore.ReadKind.Live when read.Value.AsSpan().SequenceEqual(value) => Verdict.Renewed,
        _ => Verdict.Lost,
    };
}
