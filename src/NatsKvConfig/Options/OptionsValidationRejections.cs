using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace NatsKvConfig;

/// <summary>
/// Reports options reloads rejected by validation or binding: logs them, counts them, and keeps the last one per
/// options type and name for health checks. A rejection is reported once while it stands. One per service provider.
/// </summary>
internal sealed class OptionsValidationRejections : IDisposable
{
    public const string MeterName = "NatsKvConfig";
    public const string RejectionsInstrumentName = "natskvconfig.options.validation_rejections";
    public const string FailureTag = "options.failure";

    private readonly ConcurrentDictionary<(Type Type, string Name), OptionsValidationRejection> _last = new();

    // Makes "is the same rejection still standing?" and recording the new one a single step.
    private readonly object _recording = new();
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
            description: "Options rejected on reload (failed validation, or could not be bound) and not applied; counted once while the same rejection stands.");
    }

    /// <summary>The last rejection of <paramref name="optionsType"/> named <paramref name="name"/>, superseded or not.</summary>
    public bool TryGetLast(Type optionsType, string name, [NotNullWhen(true)] out OptionsValidationRejection? rejection) =>
        _last.TryGetValue((optionsType, name), out rejection);

    /// <summary>The last rejection of every options type and name that had one.</summary>
    public IReadOnlyCollection<OptionsValidationRejection> GetAll() => [.. _last.Values];

    /// <summary>Reports options that failed validation on reload, unless the same rejection still stands.</summary>
    public void Rejected(Type optionsType, string name, IEnumerable<string> failures, bool keptLastValid)
    {
        var messages = failures.ToArray();
        if (!TryRecord(new OptionsValidationRejection(optionsType, name, _time.GetUtcNow(), OptionsRejectionKind.Validation, messages, keptLastValid)))
        {
            return;
        }

        var typeName = TypeName(optionsType);
        var joined = string.Join("; ", messages);
        if (keptLastValid)
        {
            Log.OptionsReloadRejected(_logger, typeName, name, joined);
        }
        else
        {
            Log.OptionsInvalidWithoutLastValid(_logger, typeName, name, joined);
        }

        Count(optionsType, name, "validation");
    }

    /// <summary>
    /// Reports options that could not be bound on reload, unless the same rejection still stands. Only the path
    /// and target type are reported: the binder's own message carries the value, and is never passed on.
    /// </summary>
    public void BindingRejected(Type optionsType, string name, OptionsBindingFailure failure, bool keptLastValid)
    {
        if (!TryRecord(new OptionsValidationRejection(optionsType, name, _time.GetUtcNow(), OptionsRejectionKind.Binding, [failure.Description], keptLastValid)))
        {
            return;
        }

        var typeName = TypeName(optionsType);
        switch ((failure.Path, failure.TargetType, keptLastValid))
        {
            case ({ } path, { } targetType, true):
                Log.OptionsReloadBindingRejected(_logger, typeName, name, path, targetType);
                break;
            case ({ } path, { } targetType, false):
                Log.OptionsBindingFailedWithoutLastValid(_logger, typeName, name, path, targetType);
                break;
            case (_, _, true):
                Log.OptionsReloadBuildRejected(_logger, typeName, name, failure.Source);
                break;
            default:
                Log.OptionsBuildFailedWithoutLastValid(_logger, typeName, name, failure.Source);
                break;
        }

        Count(optionsType, name, "binding");
    }

    /// <summary>Marks the last rejection of this type and name, if it still stands, as superseded by a valid value.</summary>
    public void Accepted(Type optionsType, string name)
    {
        // Runs on every valid build of the monitor: a lookup, and a write only after a rejection.
        var key = (optionsType, name);
        if (_last.TryGetValue(key, out var last) && last.SupersededAt is null)
        {
            lock (_recording)
            {
                if (_last.TryGetValue(key, out last) && last.SupersededAt is null)
                {
                    _last[key] = last with { SupersededAt = _time.GetUtcNow() };
                }
            }
        }
    }

    public void Dispose() => _ownedMeter?.Dispose();

    private static string TypeName(Type optionsType) => optionsType.FullName ?? optionsType.Name;

    /// <summary>Records <paramref name="rejection"/>; false when the same one already stands (nothing to report).</summary>
    private bool TryRecord(OptionsValidationRejection rejection)
    {
        var key = (rejection.OptionsType, rejection.OptionsName);
        lock (_recording)
        {
            if (_last.TryGetValue(key, out var last) && last.StandsAs(rejection))
            {
                return false;
            }

            _last[key] = rejection;
            return true;
        }
    }

    private void Count(Type optionsType, string name, string failure) =>
        _rejections.Add(
            1,
            new KeyValuePair<string, object?>("options.type", optionsType.Name),
            new KeyValuePair<string, object?>("options.name", name),
            new KeyValuePair<string, object?>(FailureTag, failure));
}
