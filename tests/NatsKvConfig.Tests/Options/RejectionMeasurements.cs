using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace NatsKvConfig.Tests.Options;

/// <summary>What one service provider's <c>natskvconfig.options.validation_rejections</c> counter recorded.</summary>
internal sealed class RejectionMeasurements : IDisposable
{
    private readonly ConcurrentQueue<(long Value, Dictionary<string, object?> Tags)> _measurements = new();
    private readonly MeterListener _listener = new();

    public RejectionMeasurements(IServiceProvider services)
    {
        var meterFactory = services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // Only this service provider's meter: other tests' meters share the name.
            if (instrument.Meter.Scope == meterFactory && instrument.Meter.Name == "NatsKvConfig"
                && instrument.Name == "natskvconfig.options.validation_rejections")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            _measurements.Enqueue((value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        _listener.Start();
    }

    public IReadOnlyCollection<(long Value, Dictionary<string, object?> Tags)> All => _measurements;

    public long Total => _measurements.Sum(m => m.Value);

    public void Dispose() => _listener.Dispose();
}
