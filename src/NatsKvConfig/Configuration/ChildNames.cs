using System.Collections;

namespace NatsKvConfig;

/// <summary>
/// The sorted names of one parent's children, cut from the paths that hold them as they are read: nothing is
/// kept, and a parent of 100,000 children costs no array (no large-object-heap allocation per call).
/// </summary>
internal sealed class ChildNames(ChildSet children) : IReadOnlyList<string>
{
    public int Count => children.Count;

    public string this[int index] => ChildSegment.Name(children[index], children.Start);

    public IEnumerator<string> GetEnumerator()
    {
        for (var i = 0; i < children.Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
