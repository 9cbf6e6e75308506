namespace NatsKvConfig;

/// <summary>Orders paths by their segment at one offset (the children of one parent), as <see cref="ChildSegment.Compare"/> does.</summary>
internal sealed class ChildSegmentComparer(int start) : IComparer<string>
{
    public int Compare(string? x, string? y) =>
        ChildSegment.Compare(ChildSegment.Of(x ?? string.Empty, start), ChildSegment.Of(y ?? string.Empty, start));
}
