namespace NatsKvConfig;

/// <summary>
/// Which NATS key holds a setting: configuration paths ignore case and NATS keys do not, so
/// <c>database:host</c> may be stored as <c>Database.Host</c>. Every write and every read of one setting goes to
/// the key the bucket already holds for the path, compared ignoring case; only when there is none is the key created
/// as typed.
/// </summary>
/// <remarks>
/// When several keys hold the same path (a collision, made before this rule or by another client), the one acted on is
/// the one apps read: the one holding a value with the highest revision (or, when none holds a value, the one with the
/// highest revision). <see cref="OtherKeys"/> names the others. <see cref="ToString"/> leaves values out.
/// </remarks>
public sealed class NatsKvConfigKeyResolution
{
    internal NatsKvConfigKeyResolution(NatsKvConfigKey requested, NatsKvConfigKey key, NatsKvConfigEntry? entry, IReadOnlyList<string> otherKeys)
    {
        Requested = requested;
        Key = key;
        Entry = entry;
        OtherKeys = otherKeys;
    }

    /// <summary>The key or path as given.</summary>
    public NatsKvConfigKey Requested { get; }

    /// <summary>The key that holds the setting, and that writes go to: <see cref="Requested"/> when the bucket has no key for the path yet.</summary>
    public NatsKvConfigKey Key { get; }

    /// <summary>The latest entry of <see cref="Key"/> (a delete or purge included), or <see langword="null"/> when it has none.</summary>
    public NatsKvConfigEntry? Entry { get; }

    /// <summary>
    /// The other keys (relative to the key prefix) that map to the same configuration path, ignoring case, ordered
    /// ordinally; empty unless two keys collide.
    /// </summary>
    public IReadOnlyList<string> OtherKeys { get; }

    /// <summary>Whether more than one key holds the path (see <see cref="OtherKeys"/>).</summary>
    public bool HasCollision => OtherKeys.Count > 0;

    /// <summary>Whether the setting is held under another spelling than <see cref="Requested"/>.</summary>
    public bool IsRedirected => !Key.Equals(Requested);

    /// <summary>The keys (never the value).</summary>
    /// <returns>Text such as <c>database.host -> Database.Host (also: DataBase.Host)</c>.</returns>
    public override string ToString() =>
        (IsRedirected ? $"{Requested.Key} -> {Key.Key}" : Key.Key) + (HasCollision ? $" (also: {string.Join(", ", OtherKeys)})" : string.Empty);

    /// <summary>
    /// Chooses among the latest entries of the keys holding one path: the live one with the highest revision,
    /// else the one with the highest revision; <paramref name="requested"/> itself when there are none.
    /// </summary>
    internal static NatsKvConfigKeyResolution Choose(NatsKvConfigKey requested, IReadOnlyCollection<NatsKvConfigEntry> candidates)
    {
        if (candidates.Count == 0)
        {
            return new NatsKvConfigKeyResolution(requested, requested, null, []);
        }

        var chosen = candidates
            .OrderByDescending(e => e.IsLive)
            .ThenByDescending(e => e.Revision)
            .First();
        var others = candidates
            .Where(e => !string.Equals(e.Key, chosen.Key, StringComparison.Ordinal))
            .Select(e => e.Key)
            .Order(StringComparer.Ordinal)
            .ToArray();
        var key = string.Equals(chosen.Key, requested.Key, StringComparison.Ordinal) ? requested : NatsKvConfigKey.FromKey(chosen.Key);
        return new NatsKvConfigKeyResolution(requested, key, chosen, others);
    }
}
