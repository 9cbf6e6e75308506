using System.Text;
using BenchmarkDotNet.Attributes;

namespace NatsKvConfig.Benchmarks.Micro;

/// <summary>
/// The cost of applying one change as its own batch (projection + new view) with 1,000 or 100,000 keys
/// loaded: flat means no whole-dictionary copy per change.
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

    [Params(1_000, 100_000)]
    public int Keys { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _projection = new BucketProjection(JsonExpansionLimits.Default);
        _view = _projection.Replace(
            Enumerable.Range(0, Keys).Select(i => new KvChange(BenchData.Key(i), (ulong)i + 1, false, Encoding.UTF8.GetBytes(BenchData.Value(i)), default)),
            _warnings);
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
