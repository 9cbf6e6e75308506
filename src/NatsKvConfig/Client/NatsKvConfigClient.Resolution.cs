namespace NatsKvConfig;

public sealed partial class NatsKvConfigClient
{
    /// <summary>
    /// Finds the key that holds a setting, and every other key holding the same configuration path compared ignoring
    /// case: the one apps read (holding a value, with the highest revision) is the key to act on, so
    /// <c>database:host</c> finds <c>Database.Host</c>. The tool and the config service resolve this way before they
    /// write, so that they always act on the key apps read and can say that another exists.
    /// </summary>
    /// <param name="key">A configuration path or a NATS key.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>
    /// The key to act on, its latest entry, and the other keys holding the path. When the bucket has no key for
    /// the path, <see cref="NatsKvConfigKeyResolution.Key"/> is <paramref name="key"/> and the entry is <see langword="null"/>.
    /// </returns>
    /// <remarks>
    /// Reads the exact key and lists the names of the bucket's keys of the same depth under the key prefix (names
    /// only, no values). The single-key methods (<see cref="PutAsync"/>, <see cref="GetAsync"/>, …) are cheaper: they
    /// use the key as typed when it holds a value, and list keys only when it does not.
    /// </remarks>
    /// <exception cref="NatsKvConfigNotFoundException">The bucket does not exist.</exception>
    public Task<NatsKvConfigKeyResolution> ResolveKeyAsync(NatsKvConfigKey key, CancellationToken cancellationToken = default) =>
        ResolveAsync(key, lookForOthers: true, cancellationToken);

    /// <summary>
    /// Resolves a key. Without <paramref name="lookForOthers"/>, a key holding a value as typed is taken at once: one
    /// read, as cheap as before keys were resolved (a collision with it then goes unseen); otherwise, and when it
    /// holds no value, keys of the same depth are listed and compared ignoring case.
    /// </summary>
    /// <remarks>
    /// With <paramref name="forWrite"/>, entries are read from a mirror's origin when it answers, so the revisions a
    /// write then expects are the origin's latest rather than a lagging mirror's.
    /// </remarks>
    private async Task<NatsKvConfigKeyResolution> ResolveAsync(NatsKvConfigKey key, bool lookForOthers, CancellationToken cancellationToken, bool forWrite = false)
    {
        ArgumentNullException.ThrowIfNull(key);
        var exact = await LatestEntryAsync(key.Key, cancellationToken, forWrite).ConfigureAwait(false);
        if (exact is { IsLive: true } && !lookForOthers)
        {
            return new NatsKvConfigKeyResolution(key, key, exact, []);
        }

        var candidates = new List<NatsKvConfigEntry>();
        if (exact is not null)
        {
            candidates.Add(exact); // a deleted key still holds the setting's history too
        }

        var depth = key.Key.Count(c => c == '.') + 1;
        var sameDepth = string.Join('.', Enumerable.Repeat("*", depth));
        foreach (var fullKey in await ListKeysAsync(_keys.Full(sameDepth), cancellationToken).ConfigureAwait(false))
        {
            if (_keys.TryRelative(fullKey, out var other)
                && !string.Equals(other, key.Key, StringComparison.Ordinal)
                && NatsKvKeyMapper.TryToPath(other, out var path)
                && string.Equals(path, key.Path, StringComparison.OrdinalIgnoreCase)
                && await LatestEntryAsync(other, cancellationToken, forWrite).ConfigureAwait(false) is { } entry)
            {
                candidates.Add(entry);
            }
        }

        var resolution = NatsKvConfigKeyResolution.Choose(key, candidates);
        LogResolution(resolution);
        return resolution;
    }

    /// <summary>
    /// Resolves the keys of a section write against one listing of the bucket's keys: each wanted key (as typed) is
    /// replaced by the key holding its path. Entries of chosen keys outside the section's filters are added to
    /// <paramref name="current"/>.
    /// </summary>
    /// <returns>
    /// The wanted values by the keys to write, every key holding a wanted path (none of which a replace deletes),
    /// and the paths held by more than one key.
    /// </returns>
    private async Task<(Dictionary<string, byte[]> Wanted, HashSet<string> Held, List<NatsKvConfigKeyResolution> Collisions)> ResolveWantedAsync(
        SectionScope scope,
        Dictionary<string, byte[]> wanted,
        Dictionary<string, NatsKvConfigEntry> current,
        CancellationToken cancellationToken)
    {
        var requested = wanted.Keys.ToDictionary(key => NatsKvKeyMapper.ToPath(key), key => key, StringComparer.OrdinalIgnoreCase);

        // The root's entries are already every key of the bucket (under the prefix); a section lists the rest by name.
        IEnumerable<string> allKeys = scope.SectionKey is null
            ? current.Keys
            : (await ListKeysAsync(_keys.Filters(SectionScope.Root)[0], cancellationToken).ConfigureAwait(false)).Select(full => _keys.TryRelative(full, out var key) ? key : null).OfType<string>();
        var holders = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var key in allKeys)
        {
            if (NatsKvKeyMapper.TryToPath(key, out var path) && requested.ContainsKey(path))
            {
                if (!holders.TryGetValue(path, out var keys))
                {
                    holders[path] = keys = [];
                }

                keys.Add(key);
            }
        }

        var resolved = new Dictionary<string, byte[]>(wanted.Count, StringComparer.Ordinal);
        var held = new HashSet<string>(StringComparer.Ordinal);
        var collisions = new List<NatsKvConfigKeyResolution>();
        foreach (var (path, typedKey) in requested)
        {
            var candidates = new List<NatsKvConfigEntry>();
            foreach (var key in holders.GetValueOrDefault(path) ?? [])
            {
                held.Add(key);
                var entry = current.GetValueOrDefault(key) ?? await LatestEntryAsync(key, cancellationToken, preferOrigin: true).ConfigureAwait(false);
                if (entry is not null)
                {
                    candidates.Add(entry);
                }
            }

            var resolution = NatsKvConfigKeyResolution.Choose(NatsKvConfigKey.FromPath(path), candidates);
            if (resolution.Entry is { } chosen)
            {
                current.TryAdd(chosen.Key, chosen);
            }

            if (resolution.HasCollision)
            {
                collisions.Add(resolution);
            }

            LogResolution(resolution);
            resolved.Add(resolution.Key.Key, wanted[typedKey]);
        }

        collisions.Sort((a, b) => string.CompareOrdinal(a.Key.Key, b.Key.Key));
        return (resolved, held, collisions);
    }

    /// <summary>The paths that more than one of the given keys holds (from their latest entries), for a plan to report.</summary>
    private static List<NatsKvConfigKeyResolution> Collisions(IEnumerable<NatsKvConfigEntry> latest) =>
        [.. latest
            .Where(entry => entry.Path is not null)
            .GroupBy(entry => entry.Path!, StringComparer.OrdinalIgnoreCase)
            .Where(group => group.Count() > 1)
            .Select(group =>
            {
                // No key was asked for here: report the chosen key as the one requested.
                var entries = group.ToList();
                var chosen = NatsKvConfigKeyResolution.Choose(NatsKvConfigKey.FromKey(entries[0].Key), entries);
                return NatsKvConfigKeyResolution.Choose(chosen.Key, entries);
            })
            .OrderBy(resolution => resolution.Key.Key, StringComparer.Ordinal)];

    /// <summary>The names of the bucket's keys (full keys) under a filter, delete markers included.</summary>
    private async Task<List<string>> ListKeysAsync(string filter, CancellationToken cancellationToken)
    {
        try
        {
            return await BucketKeyListing.ListAsync(_js, Bucket, filter, cancellationToken).ConfigureAwait(false);
        }
        catch (NATS.Client.JetStream.NatsJSException exception) when (NatsKvWire.IsStreamNotFound(exception))
        {
            Volatile.Write(ref _store, null);
            throw NatsKvConfigNotFoundException.BucketMissing(Bucket, exception);
        }
    }

    private void LogResolution(NatsKvConfigKeyResolution resolution)
    {
        if (resolution.HasCollision)
        {
            Log.KeyCollision(_logger, Bucket, resolution.Key.Path, resolution.Key.Key, string.Join(", ", resolution.OtherKeys));
        }
        else if (resolution.IsRedirected)
        {
            Log.KeyResolvedIgnoringCase(_logger, Bucket, resolution.Requested.Key, resolution.Key.Key);
        }
    }
}
