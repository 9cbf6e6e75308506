using System.Text;

namespace NatsKvConfig;

public sealed partial class NatsKvConfigClient
{
    /// <summary>
    /// The key's current value, revision and creation time. The key is the one holding the path, compared ignoring
    /// case (see <see cref="ResolveKeyAsync"/>): <c>database:host</c> reads <c>Database.Host</c>.
    /// </summary>
    /// <param name="key">A configuration path (<c>database:host</c>) or a NATS key (<c>database.host</c>).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The entry, or <see langword="null"/> when the key has no value (never written, deleted or purged).</returns>
    /// <exception cref="NatsKvConfigNotFoundException">The bucket does not exist.</exception>
    public async Task<NatsKvConfigEntry?> GetAsync(NatsKvConfigKey key, CancellationToken cancellationToken = default)
    {
        var resolution = await ResolveAsync(key, lookForOthers: false, cancellationToken).ConfigureAwait(false);
        return resolution.Entry is { IsLive: true } entry ? entry : null;
    }

    /// <summary>The keys of the section that hold a value now, with their values, revisions and creation times.</summary>
    /// <param name="section">A configuration path (or NATS key prefix); empty or <see langword="null"/> for the whole bucket.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The live entries (no deletes or purges), ordered by key (ordinal).</returns>
    /// <exception cref="NatsKvConfigNotFoundException">The bucket does not exist.</exception>
    public async Task<IReadOnlyList<NatsKvConfigEntry>> ListAsync(string? section = null, CancellationToken cancellationToken = default)
    {
        var entries = await ReadEntriesAsync(_keys.Filters(SectionScope.For(section)), history: false, cancellationToken).ConfigureAwait(false);
        return [.. entries.Where(entry => entry.Operation == NatsKvConfigOperation.Put).OrderBy(entry => entry.Key, StringComparer.Ordinal)];
    }

    /// <summary>The key's entry at exactly revision <paramref name="revision"/>, from its history.</summary>
    /// <param name="key">A configuration path or a NATS key.</param>
    /// <param name="revision">One of the key's revisions (as <see cref="GetHistoryAsync"/> lists them).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>
    /// The entry, a delete or purge included (see <see cref="NatsKvConfigEntry.Operation"/>); <see langword="null"/> when
    /// <paramref name="revision"/> is not one of the key's revisions.
    /// </returns>
    /// <exception cref="NatsKvHistoryLimitException">The revision is older than the history the bucket keeps for the key.</exception>
    /// <exception cref="NatsKvConfigNotFoundException">The bucket does not exist.</exception>
    public async Task<NatsKvConfigEntry?> GetRevisionAsync(NatsKvConfigKey key, ulong revision, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfZero(revision);
        var resolution = await ResolveAsync(key, lookForOthers: false, cancellationToken).ConfigureAwait(false);
        var history = await GetResolvedHistoryAsync(resolution, cancellationToken).ConfigureAwait(false);
        if (history.FirstOrDefault(e => e.Revision == revision) is { } entry)
        {
            return entry;
        }

        if (history.Count > 0 && revision < history[0].Revision)
        {
            var limits = await GetHistoryLimitsAsync(cancellationToken).ConfigureAwait(false);
            var oldest = history[0];
            if (oldest.Operation == NatsKvConfigOperation.Purge || history.Count >= limits.HistoryDepth)
            {
                throw new NatsKvHistoryLimitException(Bucket, resolution.Key.Key, NatsKvHistoryPoint.AtRevision(revision), oldest.Revision, limits.HistoryDepth, "its older values are no longer kept");
            }
        }

        return null;
    }

    /// <summary>
    /// Writes <paramref name="value"/> to the key, whatever it holds now. The key written is the one the bucket holds
    /// for the path, compared ignoring case (see <see cref="ResolveKeyAsync"/>): <c>database.host</c> updates an
    /// existing <c>Database.Host</c>; only when there is none is the key created as given.
    /// </summary>
    /// <param name="key">A configuration path or a NATS key.</param>
    /// <param name="value">The value; stored as UTF-8 text.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The new revision.</returns>
    /// <exception cref="NatsKvConfigNotFoundException">The bucket does not exist.</exception>
    public async Task<ulong> PutAsync(NatsKvConfigKey key, string value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        var resolution = await ResolveAsync(key, lookForOthers: false, cancellationToken, forWrite: true).ConfigureAwait(false);
        return await PutResolvedAsync(resolution, value, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes to the key a resolution chose.</summary>
    internal async Task<ulong> PutResolvedAsync(NatsKvConfigKeyResolution resolution, string value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        var key = resolution.Key.Key;
        var revision = await WriteAsync(key, Encoding.UTF8.GetBytes(value), purge: false, expectedRevision: null, cancellationToken).ConfigureAwait(false);
        await BumpSentinelUnlessAsync(key, cancellationToken).ConfigureAwait(false);
        return revision;
    }

    /// <summary>
    /// Writes <paramref name="value"/> to the key only if it has no value now (never written, or deleted), under any
    /// spelling: a value at the same path in another case is "exists" too (see <see cref="ResolveKeyAsync"/>).
    /// </summary>
    /// <param name="key">A configuration path or a NATS key.</param>
    /// <param name="value">The value.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The new revision.</returns>
    /// <exception cref="NatsKvRevisionConflictException">
    /// The key holds a value: <see cref="NatsKvRevisionConflictException.ExpectedRevision"/> is 0 and
    /// <see cref="NatsKvRevisionConflictException.ActualRevision"/> is the value's revision.
    /// </exception>
    /// <exception cref="NatsKvConfigNotFoundException">The bucket does not exist.</exception>
    public async Task<ulong> CreateAsync(NatsKvConfigKey key, string value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        var resolution = await ResolveAsync(key, lookForOthers: false, cancellationToken, forWrite: true).ConfigureAwait(false);
        return await CreateResolvedAsync(resolution, value, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates the key a resolution chose, looking again after a conflict.</summary>
    internal async Task<ulong> CreateResolvedAsync(NatsKvConfigKeyResolution resolution, string value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        var bytes = Encoding.UTF8.GetBytes(value);
        for (var attempt = 1; ; attempt++)
        {
            var key = resolution.Key.Key;
            var current = resolution.Entry;
            if (current is { IsLive: true })
            {
                throw NatsKvRevisionConflictException.KeyExists(Bucket, key, current.Revision);
            }

            try
            {
                var revision = await WriteAsync(key, bytes, purge: false, current?.Revision ?? 0, cancellationToken).ConfigureAwait(false);
                await BumpSentinelUnlessAsync(key, cancellationToken).ConfigureAwait(false);
                return revision;
            }
            catch (NatsKvRevisionConflictException) when (attempt < MaxRetries)
            {
                // Written or deleted in between: look again (a value now there is an error, a new delete marker is not).
                resolution = await ResolveAsync(resolution.Requested, lookForOthers: false, cancellationToken, forWrite: true).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Writes <paramref name="value"/> to the key only if it is still at <paramref name="expectedRevision"/>: a
    /// compare-and-swap. Read the key, decide, write with the revision read. The key is the one holding the path,
    /// compared ignoring case (see <see cref="ResolveKeyAsync"/>).
    /// </summary>
    /// <param name="key">A configuration path or a NATS key.</param>
    /// <param name="value">The value.</param>
    /// <param name="expectedRevision">The revision the key must be at (its latest entry's); 0 for "has no entry at all".</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The new revision.</returns>
    /// <exception cref="NatsKvRevisionConflictException">The key is at another revision; the exception carries both.</exception>
    /// <exception cref="NatsKvConfigNotFoundException">The bucket does not exist.</exception>
    public async Task<ulong> UpdateAsync(NatsKvConfigKey key, string value, ulong expectedRevision, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        var resolution = await ResolveAsync(key, lookForOthers: false, cancellationToken, forWrite: true).ConfigureAwait(false);
        return await UpdateResolvedAsync(resolution, value, expectedRevision, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Compare-and-swaps the key a resolution chose.</summary>
    internal async Task<ulong> UpdateResolvedAsync(NatsKvConfigKeyResolution resolution, string value, ulong expectedRevision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        var key = resolution.Key.Key;
        var revision = await WriteAsync(key, Encoding.UTF8.GetBytes(value), purge: false, expectedRevision, cancellationToken).ConfigureAwait(false);
        await BumpSentinelUnlessAsync(key, cancellationToken).ConfigureAwait(false);
        return revision;
    }

    /// <summary>
    /// Deletes the key (its history stays, for rollback): the provider drops the path and its children. The key is
    /// the one holding the path, compared ignoring case (see <see cref="ResolveKeyAsync"/>); where two keys collide,
    /// the one apps read is deleted, and the other's value then shows again.
    /// </summary>
    /// <param name="key">A configuration path or a NATS key.</param>
    /// <param name="expectedRevision">When set, deletes only if the key is still at this revision (compare-and-swap).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>
    /// The delete marker's revision; <see langword="null"/> when there was nothing to delete (no value, and no
    /// <paramref name="expectedRevision"/>): nothing is written then.
    /// </returns>
    /// <exception cref="NatsKvRevisionConflictException">The key is not at <paramref name="expectedRevision"/>.</exception>
    /// <exception cref="NatsKvConfigNotFoundException">The bucket does not exist.</exception>
    public async Task<ulong?> DeleteAsync(NatsKvConfigKey key, ulong? expectedRevision = null, CancellationToken cancellationToken = default)
    {
        var resolution = await ResolveAsync(key, lookForOthers: false, cancellationToken, forWrite: true).ConfigureAwait(false);
        return await DeleteResolvedAsync(resolution, expectedRevision, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes the key a resolution chose, looking again after a conflict (without an expected revision).</summary>
    internal async Task<ulong?> DeleteResolvedAsync(NatsKvConfigKeyResolution resolution, ulong? expectedRevision, CancellationToken cancellationToken)
    {
        ulong revision;
        if (expectedRevision is { } expected)
        {
            revision = await WriteAsync(resolution.Key.Key, null, purge: false, expected, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            for (var attempt = 1; ; attempt++)
            {
                if (resolution.Entry is not { IsLive: true } current)
                {
                    return null;
                }

                try
                {
                    revision = await WriteAsync(resolution.Key.Key, null, purge: false, current.Revision, cancellationToken).ConfigureAwait(false);
                    break;
                }
                catch (NatsKvRevisionConflictException) when (attempt < MaxRetries)
                {
                    // Changed in between: look again.
                    resolution = await ResolveAsync(resolution.Requested, lookForOthers: false, cancellationToken, forWrite: true).ConfigureAwait(false);
                }
            }
        }

        await BumpSentinelUnlessAsync(resolution.Key.Key, cancellationToken).ConfigureAwait(false);
        return revision;
    }

    /// <summary>
    /// Purges the key: deletes it and removes its history (so it can no longer be rolled back). A purge marker is
    /// written even when the key has no value. The key is the one holding the path, compared ignoring case (see
    /// <see cref="ResolveKeyAsync"/>).
    /// </summary>
    /// <param name="key">A configuration path or a NATS key.</param>
    /// <param name="expectedRevision">When set, purges only if the key is still at this revision.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The purge marker's revision.</returns>
    /// <exception cref="NatsKvRevisionConflictException">The key is not at <paramref name="expectedRevision"/>.</exception>
    /// <exception cref="NatsKvConfigNotFoundException">The bucket does not exist.</exception>
    public async Task<ulong> PurgeAsync(NatsKvConfigKey key, ulong? expectedRevision = null, CancellationToken cancellationToken = default)
    {
        var resolution = await ResolveAsync(key, lookForOthers: false, cancellationToken, forWrite: true).ConfigureAwait(false);
        return await PurgeResolvedAsync(resolution, expectedRevision, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Purges the key a resolution chose.</summary>
    internal async Task<ulong> PurgeResolvedAsync(NatsKvConfigKeyResolution resolution, ulong? expectedRevision, CancellationToken cancellationToken)
    {
        var key = resolution.Key.Key;
        var revision = await WriteAsync(key, null, purge: true, expectedRevision, cancellationToken).ConfigureAwait(false);
        await BumpSentinelUnlessAsync(key, cancellationToken).ConfigureAwait(false);
        return revision;
    }

    /// <summary>
    /// Why apps reading the bucket as this client does will keep <paramref name="value"/> as one plain string
    /// although it looks like JSON (it does not parse, or expands past the JSON expansion limits); null when they
    /// expand it, or it is not meant as JSON. Never quotes the value.
    /// </summary>
    internal string? DescribeUnexpandedJson(string path, string value)
    {
        if (JsonExpansion is not { } limits || !JsonValueExpander.LooksLikeJson(value))
        {
            return null;
        }

        return JsonValueExpander.Expand(path, value, limits, []) switch
        {
            JsonExpansionOutcome.Expanded => null,
            JsonExpansionOutcome.Invalid => "it looks like JSON but cannot be read as configuration (it does not parse, nests too deep, repeats a name or escapes a lone surrogate), so apps keep it as one plain string",
            var outcome => $"it is JSON that would expand past the limit {limits.Describe(outcome)}, so apps keep it as one plain string",
        };
    }

    private async Task BumpSentinelUnlessAsync(string writtenKey, CancellationToken cancellationToken)
    {
        if (!IsSentinel(writtenKey))
        {
            await BumpSentinelAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
