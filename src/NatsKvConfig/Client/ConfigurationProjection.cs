namespace NatsKvConfig;

/// <summary>
/// The configuration a set of live entries gives, read as the provider reads a bucket: keys mapped to paths, JSON
/// object and array values expanded into child paths within the same limits (a value over one stays a string), and
/// where two keys give the same path (configuration ignores case) the higher revision wins.
/// </summary>
internal sealed class ConfigurationProjection
{
    private ConfigurationProjection(Dictionary<string, string?> values, ulong revision, List<string> skippedKeys)
    {
        Values = values;
        Revision = revision;
        SkippedKeys = skippedKeys;
    }

    /// <summary>Every path and its value, compared ignoring case.</summary>
    public Dictionary<string, string?> Values { get; }

    /// <summary>The highest revision among the entries read.</summary>
    public ulong Revision { get; }

    /// <summary>Keys left out as the provider leaves them out: unreadable keys, values that are not UTF-8.</summary>
    public List<string> SkippedKeys { get; }

    /// <param name="entries">The entries read; those that are not live are passed over.</param>
    /// <param name="jsonExpansion">The limits JSON values expand within, or <see langword="null"/> to keep them strings.</param>
    /// <remarks>
    /// Read by the provider's own projection (<see cref="BucketProjection"/>), so a dry run, a diff or an export shows
    /// exactly what an app would: the same key mapping, JSON expansion, conflict rule and skipped entries.
    /// </remarks>
    public static ConfigurationProjection From(IEnumerable<NatsKvConfigEntry> entries, JsonExpansionLimits? jsonExpansion)
    {
        var changes = entries.Where(e => e.IsLive)
            .OrderBy(e => e.Revision)
            .Select(e => new KvChange(e.Key, e.Revision, IsDelete: false, e.RawValue, e.Created))
            .ToList();
        var projection = new BucketProjection(jsonExpansion, changes.Count);
        var warnings = new List<ProjectionWarning>();
        projection.Stage(changes, warnings);
        var view = projection.BuildView();

        var values = new Dictionary<string, string?>(view.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var path in view.Paths)
        {
            _ = view.TryGetValue(path, out var value);
            values[path] = value;
        }

        // Left out as the provider leaves them out: unreadable keys, values that are not UTF-8.
        var skipped = warnings
            .Where(w => w.Kind is ProjectionWarningKind.MalformedKey or ProjectionWarningKind.InvalidUtf8)
            .Select(w => w.Key)
            .ToList();
        return new ConfigurationProjection(values, changes.Count == 0 ? 0 : changes[^1].Revision, skipped);
    }
}
