using System.Collections.Concurrent;

namespace NatsKvConfig;

/// <summary>For one options type: which names keep their last valid value on reload.</summary>
/// <typeparam name="TOptions">The options type.</typeparam>
internal sealed class LastValidOptions<TOptions>
    where TOptions : class
{
    private readonly HashSet<string> _names;

    public LastValidOptions(IEnumerable<KeepLastValidOnReloadName<TOptions>> names, OptionsValidationRejections rejections)
    {
        // Options names are compared ordinally, as OptionsCache does.
        _names = names.Select(static n => n.Name).ToHashSet(StringComparer.Ordinal);
        Rejections = rejections;
    }

    public OptionsValidationRejections Rejections { get; }

    /// <summary>The last valid value per name built by the monitor, which alone writes it.</summary>
    public ConcurrentDictionary<string, TOptions> MonitorValues { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The last valid value per name built for snapshots and <c>IOptions&lt;T&gt;</c>, shared by their per-scope
    /// factories. Kept apart so that a snapshot built concurrently never changes what the monitor holds or announces.
    /// </summary>
    public ConcurrentDictionary<string, TOptions> SnapshotValues { get; } = new(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="name"/> keeps its last valid value (otherwise it behaves as without this).</summary>
    public bool AppliesTo(string name) => _names.Contains(name);
}
