namespace NatsKvConfig;

/// <summary>What a write of several keys did: the plan it carried out, and the revisions it wrote.</summary>
public sealed class NatsKvConfigApplyResult
{
    internal NatsKvConfigApplyResult(NatsKvConfigPlan plan, ulong lastRevision, ulong? sentinelRevision)
    {
        Plan = plan;
        LastRevision = lastRevision;
        SentinelRevision = sentinelRevision;
    }

    /// <summary>The changes made (all of them: applying stops at the first failure, by throwing).</summary>
    public NatsKvConfigPlan Plan { get; }

    /// <summary>The highest revision written, the sentinel's included; 0 when there was nothing to write.</summary>
    public ulong LastRevision { get; }

    /// <summary>The sentinel key's new revision, when the client has a sentinel key and wrote something.</summary>
    public ulong? SentinelRevision { get; }

    /// <summary>The plan's counts and the last revision.</summary>
    /// <returns>A short description.</returns>
    public override string ToString() => $"{Plan}; last revision {LastRevision}";
}
