using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace NatsKvConfig;

/// <summary>
/// Reports options reloads rejected by validation: logs them, counts them, and keeps the last one per options type
/// and name for health checks. One per service provider.
/// </summary>
internal sealed class OptionsValidationRejections : IDisposable
{
    public const string MeterName = "NatsKvConfig";
    public const string RejectionsInstrumentName = "natskvconfig.options.validation_rejections";

    private readonly ConcurrentDictionary<(Type Type, string Name), OptionsValidationRejection> _last = new();
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Meter? _ownedMeter;
    private readonly Counter<long> _rejections;

    public OptionsValidationRejections(ILogger<OptionsValidationRejections> logger, IMeterFactory? meterFactory, TimeProvider time)
    {
        _logger = logger;
        _time = time;

        // Without an IMeterFactory the meter is this instance's own, so nothing outlives the service provider.
        var meter = meterFactory?.Create(new MeterOptions(MeterName)) ?? (_ownedMeter = new Meter(MeterName));
        _rejections = meter.CreateCounter<long>(
            RejectionsInstrumentName,
            unit: "{rejection}",
            description: "Configuration reloads whose options failed validation and were not applied.");
    }

    /// <summary>The last rejection of <paramref name="optionsType"/> named <paramref name="name"/>, superseded or not.</summary>
    public bool TryGetLast(Type optionsType, string name, [NotNullWhen(true)] out OptionsValidationRejection? rejection) =>
        _last.TryGetValue((optionsType, name), out rejection);

    /// <summary>The last rejection of every options type and name that had one.</summary>
    public IReadOnlyCollection<OptionsValidationRejection> GetAll() => [.. _last.Values];

    public void Rejected(Type optionsType, string name, IEnumerable<string> failures, bool keptLastValid)
    {
        var messages = failures.ToArray();
        _last[(optionsType, name)] = new OptionsValidationRejection(optionsType, name, _time.GetUtcNow(), messages, keptLastValid);
        var typeName = optionsType.FullName ?? optionsType.Name;
        var joined = string.Join("; ", messages);
        if (keptLastValid)
        {
            Log.OptionsReloadRejected(_logger, typeName, name, joined);
        }
        else
        {
            Log.OptionsInvalidWithoutLastValid(_logger, typeName, name, joined);
        }

        _rejections.Add(1, new KeyValuePair<string, object?>("options.type", optionsType.Name), new KeyValuePair<string, object?>("options.name", name));
    }

    /// <summary>Marks the last rejection of this type and name, if it still stands, as superseded by a valid value.</summary>
    public void Accepted(Type optionsType, string name)
    {
        // Runs on every valid build (snapshots build per scope): a lookup, and a write only after a rejection.
        var key = (optionsType, name);
        if (_last.TryGetValue(key, out var last) && last.SupersededAt is null)
        {
            _last.TryUpdate(key, last with { SupersededAt = _time.GetUtcNow() }, last);
        }
    }

    public void Dispose() => _ownedMeter?.Dispose();
}
