namespace NatsKvConfig;

/// <summary>Where a drained batch stands with respect to a full state (the initial load, or a reload).</summary>
internal enum FullStatePart
{
    /// <summary>Live changes on top of what readers see.</summary>
    None,

    /// <summary>Part of a full state still being read: to be staged, not shown to readers yet.</summary>
    Partial,

    /// <summary>The rest of a full state, now complete (plus any live changes after it): stage, then publish.</summary>
    Final,
}
