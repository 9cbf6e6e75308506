using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration.Memory;

namespace NatsKvConfig.Benchmarks.Micro;

/// <summary>
/// <c>GetChildKeys</c> at the root: the memory provider (the baseline) scans every key per call; the view
/// answers from its child index.
/// </summary>
[MemoryDiagnoser]
public class ChildKeysMicroBenchmarks
{
    private ConfigurationView _view = ConfigurationView.Empty;
    private MemoryConfigurationProvider _memory = null!;

    [Params(1_000, 100_000)]
    public int Keys { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var data = BenchData.Pairs(Keys);
        _view = ConfigurationView.From(data);
        _memory = new MemoryConfigurationProvider(new MemoryConfigurationSource { InitialData = data });
        _view.GetChildKeys([], null); // the first reader after a load builds the index
    }

    [Benchmark(Baseline = true)]
    public int Memory_GetChildKeys_root() => _memory.GetChildKeys([], null).Count();

    [Benchmark]
    public int View_GetChildKeys_root() => _view.GetChildKeys([], null).Count();
}
