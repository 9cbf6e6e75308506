using System.Diagnostics.CodeAnalysis;

namespace NatsKvConfig;

public sealed partial class NatsKvConfigClient
{
    /// <summary>
    /// Every kept entry of the key, oldest first: puts, deletes and purges, with revision and time. The key is the one
    /// holding the path, compared ignoring case (see <see cref="ResolveKeyAsync"/>).
    /// </summary>
    /// <param name="key">A configuration path or a NATS key.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The history; empty when the key has no entries. At most the bucket's history depth long.</returns>
    /// <exception cref="NatsKvConfigNotFoundException">The bucket does not exist.</exception>
    public async Task<IReadOnlyList<NatsKvConfigEntry>> GetHistoryAsync(NatsKvConfigKey key, CancellationToken cancellationToken = default)
    {
        var resolution = await ResolveAsync(key, lookForOthers: false, cancellationToken, forWrite: true).ConfigureAwait(false);
        return await GetResolvedHistoryAsync(resolution, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The history of the key a resolution chose (nothing when it has no entry).</summary>
    internal async Task<IReadOnlyList<NatsKvConfigEntry>> GetResolvedHistoryAsync(NatsKvConfigKeyResolution resolution, CancellationToken cancellationToken) =>
        resolution.Entry is null
            ? []
            : await ReadHistoryAsync([_keys.Full(resolution.Key.Key)], cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Every kept entry of every key of the section, as one timeline ordered by revision: what changed, when, in
    /// which order.
    /// </summary>
    /// <param name="section">A configuration path; empty or <see langword="null"/> for everything.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The timeline, oldest first.</returns>
    /// <exception cref="NatsKvConfigNotFoundException">The bucket does not exist.</exception>
    public async Task<IReadOnlyList<NatsKvConfigEntry>> GetSectionHistoryAsync(string? section, CancellationToken cancellationToken = default) =>
        await ReadHistoryAsync(_keys.Filters(SectionScope.For(section)), cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Plans setting the key back to its value at revision <paramref name="toRevision"/> (the value it held just after
    /// that bucket revision), writing nothing. Refuses when the key had no value then: see
    /// <see cref="PlanRollbackAsync(NatsKvConfigKey, ulong, NatsKvRollbackOptions?, CancellationToken)"/> to allow that.
    /// </summary>
    /// <param name="key">A configuration path or a NATS key.</param>
    /// <param name="toRevision">A revision, such as one from <see cref="GetHistoryAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>A plan of at most one change; empty when the key already holds that value.</returns>
    /// <exception cref="NatsKvRollbackWouldDeleteException">The key had no value at that revision: rolling back would delete it.</exception>
    /// <exception cref="NatsKvHistoryLimitException">The key's value at that revision is no longer kept.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="toRevision"/> is 0.</exception>
    /// <exception cref="NatsKvConfigNotFoundException">
    /// The key has no entries at all (<see cref="NatsKvConfigNotFoundException.Key"/>), the revision is newer than the
    /// bucket's last (<see cref="NatsKvConfigNotFoundException.Revision"/>), or the bucket does not exist.
    /// </exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ by the rollback options; only the trailing CancellationToken is optional, as everywhere.")]
    public Task<NatsKvConfigPlan> PlanRollbackAsync(NatsKvConfigKey key, ulong toRevision, CancellationToken cancellationToken = default) =>
        PlanRollbackAsync(key, toRevision, null, cancellationToken);

    /// <summary>
    /// Plans setting the key back to its state at revision <paramref name="toRevision"/>, writing nothing. When the
    /// key had no value then (it did not exist yet, or was deleted), the plan deletes it only with
    /// <see cref="NatsKvRollbackOptions.AllowDelete"/>; otherwise the rollback is refused.
    /// </summary>
    /// <param name="key">A configuration path or a NATS key.</param>
    /// <param name="toRevision">A revision, such as one from <see cref="GetHistoryAsync"/>.</param>
    /// <param name="options">Whether the rollback may delete the key; <see langword="null"/> for the defaults (it may not).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>A plan of at most one change; empty when the key already holds that value (or has none, as then).</returns>
    /// <exception cref="NatsKvRollbackWouldDeleteException">The key had no value at that revision and deleting was not allowed.</exception>
    /// <exception cref="NatsKvHistoryLimitException">The key's value at that revision is no longer kept.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="toRevision"/> is 0.</exception>
    /// <exception cref="NatsKvConfigNotFoundException">
    /// The key has no entries at all (<see cref="NatsKvConfigNotFoundException.Key"/>), the revision is newer than the
    /// bucket's last (<see cref="NatsKvConfigNotFoundException.Revision"/>), or the bucket does not exist.
    /// </exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ by the rollback options; only the trailing CancellationToken is optional, as everywhere.")]
    public async Task<NatsKvConfigPlan> PlanRollbackAsync(NatsKvConfigKey key, ulong toRevision, NatsKvRollbackOptions? options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfZero(toRevision);
        var point = NatsKvHistoryPoint.AtRevision(toRevision);
        var resolution = await ResolveAsync(key, lookForOthers: false, cancellationToken, forWrite: true).ConfigureAwait(false);
        var history = await GetResolvedHistoryAsync(resolution, cancellationToken).ConfigureAwait(false);
        if (history.Count == 0)
        {
            throw NatsKvConfigNotFoundException.KeyMissing(Bucket, key.Key);
        }

        var limits = await GetHistoryLimitsAsync(cancellationToken).ConfigureAwait(false);
        if (toRevision > limits.LastRevision)
        {
            // Checked here, not only by the planner, so the exception names the key too.
            throw NatsKvConfigNotFoundException.RevisionAfterLast(Bucket, history[^1].Key, toRevision, limits.LastRevision);
        }

        var collisions = resolution.HasCollision ? new[] { resolution } : null;
        var plan = NewPlan(resolution.Key.Path, HistoryRestorePlanner.Plan(Bucket, history, point, limits, sentinelKey: null), collisions);
        if (plan.Removed.Count > 0 && options is not { AllowDelete: true })
        {
            // The value at that point is "none": only an explicit request may turn a rollback into a delete.
            var then = history.LastOrDefault(e => e.Revision <= toRevision);
            throw new NatsKvRollbackWouldDeleteException(Bucket, history[^1].Key, toRevision, history[^1].Revision, then?.Revision);
        }

        return plan;
    }

    /// <summary>
    /// Sets the key back to its value at revision <paramref name="toRevision"/>, as a compare-and-swap on its current
    /// revision; then bumps the sentinel key, if any. Refuses when the key had no value then: see
    /// <see cref="RollbackAsync(NatsKvConfigKey, ulong, NatsKvRollbackOptions?, CancellationToken)"/> to allow that.
    /// </summary>
    /// <param name="key">A configuration path or a NATS key.</param>
    /// <param name="toRevision">A revision, such as one from <see cref="GetHistoryAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>What was written (nothing when the key already holds that value).</returns>
    /// <exception cref="NatsKvRollbackWouldDeleteException">The key had no value at that revision: rolling back would delete it; nothing is written.</exception>
    /// <exception cref="NatsKvHistoryLimitException">The key's value at that revision is no longer kept.</exception>
    /// <exception cref="NatsKvRevisionConflictException">The key changed while rolling back.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="toRevision"/> is 0.</exception>
    /// <exception cref="NatsKvConfigNotFoundException">
    /// The key has no entries at all (<see cref="NatsKvConfigNotFoundException.Key"/>), the revision is newer than the
    /// bucket's last (<see cref="NatsKvConfigNotFoundException.Revision"/>), or the bucket does not exist.
    /// </exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ by the rollback options; only the trailing CancellationToken is optional, as everywhere.")]
    public Task<NatsKvConfigApplyResult> RollbackAsync(NatsKvConfigKey key, ulong toRevision, CancellationToken cancellationToken = default) =>
        RollbackAsync(key, toRevision, null, cancellationToken);

    /// <summary>
    /// Sets the key back to its state at revision <paramref name="toRevision"/>, as a compare-and-swap on its current
    /// revision; then bumps the sentinel key, if any. When the key had no value then, it is deleted only with
    /// <see cref="NatsKvRollbackOptions.AllowDelete"/>; otherwise the rollback is refused and nothing is written.
    /// </summary>
    /// <param name="key">A configuration path or a NATS key.</param>
    /// <param name="toRevision">A revision, such as one from <see cref="GetHistoryAsync"/>.</param>
    /// <param name="options">Whether the rollback may delete the key; <see langword="null"/> for the defaults (it may not).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>What was written (nothing when the key already holds that value).</returns>
    /// <exception cref="NatsKvRollbackWouldDeleteException">The key had no value at that revision and deleting was not allowed; nothing is written.</exception>
    /// <exception cref="NatsKvHistoryLimitException">The key's value at that revision is no longer kept.</exception>
    /// <exception cref="NatsKvRevisionConflictException">The key changed while rolling back.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="toRevision"/> is 0.</exception>
    /// <exception cref="NatsKvConfigNotFoundException">
    /// The key has no entries at all (<see cref="NatsKvConfigNotFoundException.Key"/>), the revision is newer than the
    /// bucket's last (<see cref="NatsKvConfigNotFoundException.Revision"/>), or the bucket does not exist.
    /// </exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ by the rollback options; only the trailing CancellationToken is optional, as everywhere.")]
    public async Task<NatsKvConfigApplyResult> RollbackAsync(NatsKvConfigKey key, ulong toRevision, NatsKvRollbackOptions? options, CancellationToken cancellationToken = default)
    {
        var plan = await PlanRollbackAsync(key, toRevision, options, cancellationToken).ConfigureAwait(false);
        return await ApplyAsync(plan, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Plans setting every key of the section back to its state at <paramref name="point"/> (its value then; deleted
    /// if it was created later), writing nothing: the dry run of <see cref="RollbackSectionAsync"/>.
    /// </summary>
    /// <param name="section">A configuration path; empty or <see langword="null"/> for everything.</param>
    /// <param name="point">A revision or a moment.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The plan; the sentinel key is never part of it.</returns>
    /// <exception cref="NatsKvHistoryLimitException">The value of some key at that point is no longer kept; the message names it.</exception>
    /// <exception cref="NatsKvConfigNotFoundException">
    /// The revision is newer than the bucket's last (<see cref="NatsKvConfigNotFoundException.Revision"/>), or the bucket does not exist.
    /// </exception>
    public async Task<NatsKvConfigPlan> PlanSectionRollbackAsync(string? section, NatsKvHistoryPoint point, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(point);
        var scope = SectionScope.For(section);
        var history = await ReadHistoryAsync(_keys.Filters(scope), cancellationToken).ConfigureAwait(false);
        var limits = await GetHistoryLimitsAsync(cancellationToken).ConfigureAwait(false);
        var latest = history.GroupBy(e => e.Key, StringComparer.Ordinal).Select(keyHistory => keyHistory.MaxBy(e => e.Revision)!);
        return NewPlan(scope.Section, HistoryRestorePlanner.Plan(Bucket, history, point, limits, _sentinelKey), Collisions(latest));
    }

    /// <summary>
    /// Sets every key of the section back to its state at <paramref name="point"/>, each as a compare-and-swap on
    /// its current revision, then bumps the sentinel key, if any.
    /// </summary>
    /// <param name="section">A configuration path; empty or <see langword="null"/> for everything.</param>
    /// <param name="point">A revision or a moment.</param>
    /// <param name="progress">Told after each change written; may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the write; changes already made stay.</param>
    /// <returns>What was written.</returns>
    /// <exception cref="NatsKvHistoryLimitException">The value of some key at that point is no longer kept; nothing is written.</exception>
    /// <exception cref="NatsKvRevisionConflictException">A key changed while rolling back.</exception>
    /// <exception cref="NatsKvConfigNotFoundException">
    /// The revision is newer than the bucket's last (<see cref="NatsKvConfigNotFoundException.Revision"/>), or the bucket does not exist.
    /// </exception>
    public async Task<NatsKvConfigApplyResult> RollbackSectionAsync(string? section, NatsKvHistoryPoint point, IProgress<NatsKvConfigProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var plan = await PlanSectionRollbackAsync(section, point, cancellationToken).ConfigureAwait(false);
        return await ApplyAsync(plan, progress, cancellationToken).ConfigureAwait(false);
    }
}
