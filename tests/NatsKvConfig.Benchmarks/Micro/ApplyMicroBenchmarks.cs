using System.Text;
using BenchmarkDotNet.Attributes;

namespace NatsKvConfig.Benchmarks.Micro;

/// <summary>
/// The cost of applying one change as its own batch (projection + new view) with 1,000 to 100,000 keys
/// loaded, a child index built: flat means no whole-dictionary copy per change. Every change is to a key not
/// changed for the last n changes (a stride coprime to n), so the view merges its overlay every n/4 changes;
/// an iteration (about half a second, tens of thousands of changes) spans merges even at 100,000 keys, but
/// the end-to-end harness (scenario 7) counts them and is the measure the report uses.
/// </summary>
[MemoryDiagnoser]
public class ApplyMicroBenchmarks
{
    private readonly List<ProjectionWarning> _warnings = [];
    private readonly KvChange[] _batch = new KvChange[1];
    private BucketProjection _projection = null!;
    private ConfigurationView _view = ConfigurationView.Empty;
    private byte[] _value = [];
    private ulong _revision;
    private int _next;

    [Params(1_000, 10_000, 100_000)]
    public int Keys { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _projection = new BucketProjection(JsonExpansionLimits.Default);
        _view = _projection.Replace(
            Enumerable.Range(0, Keys).Select(i => new KvChange(BenchData.Key(i), (ulong)i + 1, false, Encoding.UTF8.GetBytes(BenchData.Value(i)), default)),
            _warnings);
        _ = _view.GetChildKeys([], null); // readers bind, so there is a child index to keep current
        _revision = (ulong)Keys;
        _value = Encoding.UTF8.GetBytes(BenchData.Value(0));
    }

    [Benchmark]
    public int ApplyOneChange()
    {
        _next = (_next + 7919) % Keys;
        _batch[0] = new KvChange(BenchData.Key(_next), ++_revision, false, _value, default);
        _view = _projection.Apply(_batch, _view, _warnings);
        return _view.Count;
    }
}
