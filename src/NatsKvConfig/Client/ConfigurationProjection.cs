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
    public static ConfigurationProjection From(IEnumerable<NatsKvConfigEntry> entries, JsonExpansionLimits? jsonExpansion)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var skipped = new List<string>();
        var revision = 0UL;
        var expanded = new List<KeyValuePair<string, string?>>();
        foreach (var entry in entries.Where(e => e.IsLive).OrderBy(e => e.Revision))
        {
            revision = Math.Max(revision, entry.Revision);
            if (entry.Path is not { } path || !StrictUtf8.TryDecode(entry.RawValue, out var value))
            {
                skipped.Add(entry.Key);
                continue;
            }

            expanded.Clear();
            if (jsonExpansion is not null && JsonValueExpander.LooksLikeJson(value) && JsonValueExpander.Expand(path, value, jsonExpansion, expanded) == JsonExpansionOutcome.Expanded)
            {
                // A later key overrides every path it gives, as in the provider; the key's own path is then a section, not a value.
                foreach (var (childPath, childValue) in expanded)
                {
                    values[childPath] = childValue;
                }
            }
            else
            {
                values[path] = value;
            }
        }

        return new ConfigurationProjection(values, revision, skipped);
    }
}
