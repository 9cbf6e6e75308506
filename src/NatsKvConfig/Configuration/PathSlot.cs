namespace NatsKvConfig;

/// <summary>A path's entry as changed since a <see cref="PathTable"/> was published, or (<see cref="Removed"/>) its removal.</summary>
/// <param name="Entry">The path's entry now; unused when removed.</param>
/// <param name="Removed">Whether the path has no value now.</param>
internal readonly record struct PathSlot(PathEntry Entry, bool Removed)
{
    /// <summary>The removal of a path.</summary>
    public static PathSlot Gone { get; } = new(default, Removed: true);
}
