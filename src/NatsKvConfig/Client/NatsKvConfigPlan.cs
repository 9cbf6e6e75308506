namespace NatsKvConfig;

/// <summary>
/// The changes a write would make to the keys of a section, worked out without writing anything: a dry run,
/// a diff, or the first half of an import, section write or rollback. Apply it with
/// <see cref="NatsKvConfigClient.ApplyAsync"/>.
/// </summary>
public sealed class NatsKvConfigPlan
{
    internal NatsKvConfigPlan(string bucket, string? keyPrefix, string section, IReadOnlyList<NatsKvConfigChange> changes, int unchanged, IReadOnlyList<NatsKvConfigKeyResolution>? collisions = null)
    {
        Collisions = collisions ?? [];
        Bucket = bucket;
        KeyPrefix = keyPrefix;
        Section = section;
        Changes = changes;
        Unchanged = unchanged;
        Added = changes.Where(c => c.Kind == NatsKvConfigChangeKind.Add).ToArray();
        Updated = changes.Where(c => c.Kind == NatsKvConfigChangeKind.Update).ToArray();
        Removed = changes.Where(c => c.Kind == NatsKvConfigChangeKind.Delete).ToArray();
    }

    /// <summary>The bucket the plan is for.</summary>
    public string Bucket { get; }

    /// <summary>The key prefix the plan's keys are relative to (the planning client's), or <see langword="null"/>.</summary>
    internal string? KeyPrefix { get; }

    /// <summary>The configuration path of the section the plan covers; empty for the whole bucket (under the key prefix).</summary>
    public string Section { get; }

    /// <summary>Every change, ordered by key.</summary>
    public IReadOnlyList<NatsKvConfigChange> Changes { get; }

    /// <summary>The keys to add.</summary>
    public IReadOnlyList<NatsKvConfigChange> Added { get; }

    /// <summary>The keys whose value changes.</summary>
    public IReadOnlyList<NatsKvConfigChange> Updated { get; }

    /// <summary>The keys to delete.</summary>
    public IReadOnlyList<NatsKvConfigChange> Removed { get; }

    /// <summary>
    /// The plan's configuration paths that more than one key holds (keys differing only in case): for each, the key
    /// the plan writes (the one apps read) and the others, which it leaves alone. Empty when there are none.
    /// </summary>
    public IReadOnlyList<NatsKvConfigKeyResolution> Collisions { get; }

    /// <summary>How many keys already hold the wanted value (and are not written).</summary>
    public int Unchanged { get; }

    /// <summary>Whether there is nothing to do.</summary>
    public bool IsEmpty => Changes.Count == 0;

    /// <summary>The counts of each kind of change.</summary>
    /// <returns>Text such as <c>2 added, 1 updated, 0 removed, 7 unchanged</c>.</returns>
    public override string ToString() => $"{Added.Count} added, {Updated.Count} updated, {Removed.Count} removed, {Unchanged} unchanged";
}
