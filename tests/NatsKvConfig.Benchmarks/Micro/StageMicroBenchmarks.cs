using System.Text;
using BenchmarkDotNet.Attributes;

namespace NatsKvConfig.Benchmarks.Micro;

/// <summary>
/// The provider's own share of a cold load: staging a full state of entries already received (key mapping,
/// value decoding, revision and owner tracking) and building the view readers see.
/// </summary>
[MemoryDiagnoser]
public class StageMicroBenchmarks
{
    private KvChange[] _changes = [];

    [Params(10_000, 100_000)]
    public int Keys { get; set; }

    private FullStateBuffer _buffer = new();

    [GlobalSetup]
    public void Setup()
    {
        _changes = Enumerable.Range(0, Keys)
            .Select(i => new KvChange(BenchData.Key(i), (ulong)i + 1, false, Encoding.UTF8.GetBytes(BenchData.Value(i)), default))
            .ToArray();
        _buffer = new FullStateBuffer(Keys);
        foreach (var change in _changes)
        {
            _buffer.Add(change);
        }
    }

    /// <summary>As a cold load stages: from the entries the watch copied into its buffer, paths made from the buffered keys.</summary>
    [Benchmark(Baseline = true)]
    public int StageFromWatchBufferAndBuildView()
    {
        var projection = new BucketProjection(JsonExpansionLimits.Default, _buffer.Count);
        projection.Stage(_buffer, []);
        return projection.BuildView().Count;
    }

    /// <summary>The general way, from change records with key strings (live changes, and full states before the buffer).</summary>
    [Benchmark]
    public int StageAndBuildView()
    {
        var projection = new BucketProjection(JsonExpansionLimits.Default, _changes.Length);
        projection.Stage(_changes, []);
        return projection.BuildView().Count;
    }
}
