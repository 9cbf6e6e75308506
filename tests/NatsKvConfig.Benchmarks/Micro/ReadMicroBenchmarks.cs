using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration.Memory;

namespace NatsKvConfig.Benchmarks.Micro;

/// <summary>
/// In-process micro benchmarks of what readers hit: the provider's view against
/// <see cref="MemoryConfigurationProvider"/> holding the same data (the baseline).
/// </summary>
[MemoryDiagnoser]
public class ReadMicroBenchmarks
{
    private ConfigurationView _view = ConfigurationView.Empty;
    private MemoryConfigurationProvider _memory = null!;
    private string[] _paths = [];

    [Params(1_000, 100_000)]
    public int Keys { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var data = BenchData.Pairs(Keys);
        _view = ConfigurationView.From(data);
        _memory = new MemoryConfigurationProvider(new MemoryConfigurationSource { InitialData = data });
        var random = new Random(42);
        _paths = Enumerable.Range(0, 256).Select(_ => BenchData.Path(random.Next(Keys))).ToArray();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = 256)]
    public int Memory_TryGet()
    {
        var found = 0;
        foreach (var path in _paths)
        {
            found += _memory.TryGet(path, out _) ? 1 : 0;
        }

        return found;
    }

    [Benchmark(OperationsPerInvoke = 256)]
    public int View_TryGet()
    {
        var found = 0;
        foreach (var path in _paths)
        {
            found += _view.TryGetValue(path, out _) ? 1 : 0;
        }

        return found;
    }
}
