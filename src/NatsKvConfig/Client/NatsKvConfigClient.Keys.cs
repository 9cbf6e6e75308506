using System.Text;

namespace NatsKvConfig;

public sealed partial class NatsKvConfigClient
{
    /// <summary>The key's current value, revision and creation time.</summary>
    /// <param name="key">A configuration path (<c>database:host</c>) or a NATS key (<c>database.host</c>).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The entry, or <see langword="null"/> when the key has no value (never written, deleted or purged).</returns>
    /// <exception cref="NatsKvBucketNotFoundException">The bucket does not exist.</exception>
    public async Task<NatsKvConfigEntry?> GetAsync(NatsKvConfigKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var entry = await LatestEntryAsync(key.Key, cancellationToken).ConfigureAwait(false);
        return entry is { IsLive: true } ? entry : null;
    }

    /// <summary>The keys of the section that hold a value now, with their values, revisions and creation times.</summary>
    /// <param name="section">A configuration path (or NATS key prefix); empty or <see langword="null"/> for the whole bucket.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The live entries (no deletes or purges), ordered by key (ordinal).</returns>
    /// <exception cref="NatsKvBucketNotFoundException">The bucket does not exist.</exception>
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
    /// <exception cref="NatsKvBucketNotFoundException">The bucket does not exist.</exception>
    public async Task<NatsKvConfigEntry?> GetRevisionAsync(NatsKvConfigKey key, ulong revision, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfZero(revision);
        var history = await GetHistoryAsync(key, cancellationToken).ConfigureAwait(false);
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
                throw new NatsKvHistoryLimitException(Bucket, key.Key, NatsKvHistoryPoint.AtRevision(revision), oldest.Revision, limits.HistoryDepth, "its older values are no longer kept");
            }
        }

        return null;
    }

    /// <summary>Writes <paramref name="value"/> to the key, whatever it holds now.</summary>
    /// <param name="key">A configuration path or a NATS key.</param>
    /// <param name="value">The value; stored as UTF-8 text.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The new revision.</returns>
    /// <exception cref="NatsKvBucketNotFoundException">The bucket does not exist.</exception>
    public async Task<ulong> PutAsync(NatsKvConfigKey key, string value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        var revision = await WriteAsync(key.Key, Encoding.UTF8.GetBytes(value), purge: false, expectedRevision: null, cancellationToken).ConfigureAwait(false);
        await BumpSentinelUnlessAsync(key.Key, cancellationToken).ConfigureAwait(false);
        return revision;
    }

    /// <summary>Writes <paramref name="value"/> to the key only if it has no value now (never written, or deleted).</summary>
    /// <param name="key">A configuration path or a NATS key.</param>
    /// <param name="value">The value.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The new revision.</returns>
    /// <exception cref="NatsKvKeyExistsException">The key holds a value.</exception>
    /// <exception cref="NatsKvBucketNotFoundException">The bucket does not exist.</exception>
    public async Task<ulong> CreateAsync(NatsKvConfigKey key, string value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        var bytes = Encoding.UTF8.GetBytes(value);
        for (var attempt = 1; ; attempt++)
        {
            var current = await LatestEntryAsync(key.Key, cancellationToken).ConfigureAwait(false);
            if (current is { IsLive: true })
            {
                throw new NatsKvKeyExistsException(Bucket, key.Key, current.Revision, null);
            }

            try
            {
                var revision = await WriteAsync(key.Key, bytes, purge: false, current?.Revision ?? 0, cancellationToken).ConfigureAwait(false);
                await BumpSentinelUnlessAsync(key.Key, cancellationToken).ConfigureAwait(false);
                return revision;
            }
            catch (NatsKvRevisionConflictException) when (attempt < MaxRetries)
            {
                // Written or deleted in between: look again (a value now there is an error, a new delete marker is not).
            }
        }
    }

    /// <summary>
    /// Writes <paramref name="value"/> to the key only if it is still at <paramref name="expectedRevision"/>: a
    /// compare-and-swap. Read the key, decide, write with the revision read.
    /// </summary>
    /// <param name="key">A configuration path or a NATS key.</param>
    /// <param name="value">The value.</param>
    /// <param name="expectedRevision">The revision the key must be at (its latest entry's); 0 for "has no entry at all".</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The new revision.</returns>
    /// <exception cref="NatsKvRevisionConflictException">The key is at another revision; the exception carries both.</exception>
    /// <exception cref="NatsKvBucketNotFoundException">The bucket does not exist.</exception>
    public async Task<ulong> UpdateAsync(NatsKvConfigKey key, string value, ulong expectedRevision, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        var revision = await WriteAsync(key.Key, Encoding.UTF8.GetBytes(value), purge: false, expectedRevision, cancellationToken).ConfigureAwait(false);
        await BumpSentinelUnlessAsync(key.Key, cancellationToken).ConfigureAwait(false);
        return revision;
    }

    /// <summary>
    /// Deletes the key (its history stays, for rollback): the provider drops the path and its children.
    /// </summary>
    /// <param name="key">A configuration path or a NATS key.</param>
    /// <param name="expectedRevision">When set, deletes only if the key is still at this revision (compare-and-swap).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>
    /// The delete marker's revision; <see langword="null"/> when there was nothing to delete (no value, and no
    /// <paramref name="expectedRevision"/>): nothing is written then.
    /// </returns>
    /// <exception cref="NatsKvRevisionConflictException">The key is not at <paramref name="expectedRevision"/>.</exception>
    /// <exception cref="NatsKvBucketNotFoundException">The bucket does not exist.</exception>
    public async Task<ulong?> DeleteAsync(NatsKvConfigKey key, ulong? expectedRevision = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ulong revision;
        if (expectedRevision is { } expected)
        {
            revision = await WriteAsync(key.Key, null, purge: false, expected, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            for (var attempt = 1; ; attempt++)
            {
                var current = await LatestEntryAsync(key.Key, cancellationToken).ConfigureAwait(false);
                if (current is not { IsLive: true })
                {
                    return null;
                }

                try
                {
                    revision = await WriteAsync(key.Key, null, purge: false, current.Revision, cancellationToken).ConfigureAwait(false);
                    break;
                }
                catch (NatsKvRevisionConflictException) when (attempt < MaxRetries)
                {
                    // Changed in between: look again.
                }
            }
        }

        await BumpSentinelUnlessAsync(key.Key, cancellationToken).ConfigureAwait(false);
        return revision;
    }

    /// <summary>
    /// Purges the key: deletes it and removes its history (so it can no longer be rolled back). A purge marker is
    /// written even when the key has no value.
    /// </summary>
    /// <param name="key">A configuration path or a NATS key.</param>
    /// <param name="expectedRevision">When set, purges only if the key is still at this revision.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The purge marker's revision.</returns>
    /// <exception cref="NatsKvRevisionConflictException">The key is not at <paramref name="expectedRevision"/>.</exception>
    /// <exception cref="NatsKvBucketNotFoundException">The bucket does not exist.</exception>
    public async Task<ulong> PurgeAsync(NatsKvConfigKey key, ulong? expectedRevision = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var revision = await WriteAsync(key.Key, null, purge: true, expectedRevision, cancellationToken).ConfigureAwait(false);
        await BumpSentinelUnlessAsync(key.Key, cancellationToken).ConfigureAwait(false);
        return revision;
    }

    private async Task BumpSentinelUnlessAsync(string writtenKey, CancellationToken cancellationToken)
    {
        if (!IsSentinel(writtenKey))
        {
            await BumpSentinelAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
