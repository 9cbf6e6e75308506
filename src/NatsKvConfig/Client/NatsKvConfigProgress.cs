namespace NatsKvConfig;

/// <summary>How far a write of many keys has got.</summary>
/// <param name="Completed">Changes written so far.</param>
/// <param name="Total">Changes to write in all.</param>
public readonly record struct NatsKvConfigProgress(int Completed, int Total);
