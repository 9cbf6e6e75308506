using System.Diagnostics.Metrics;

namespace ConfigService;

/// <summary>
/// The service's own instruments (meter <c>ConfigService</c>), beside the library's <c>natskvconfig.*</c>: failed token
/// checks (someone guessing, or a client with a stale token) and refused or resynced event streams.
/// </summary>
internal sealed class ServiceMetrics : IDisposable
{
    public const string MeterName = "ConfigService";

    private readonly Meter _meter;
    private readonly Counter<long> _authFailures;
    private readonly Counter<long> _streamsRefused;
    private readonly Counter<long> _streamResyncs;

    public ServiceMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _authFailures = _meter.CreateCounter<long>("configservice.auth.failures", "{request}", "Requests refused for a missing or wrong token");
        _streamsRefused = _meter.CreateCounter<long>("configservice.events.refused", "{stream}", "/events streams refused: too many open");
        _streamResyncs = _meter.CreateCounter<long>("configservice.events.resyncs", "{event}", "resync events sent instead of changes (a stream fell behind, a replay too long, the watch restarted)");
    }

    /// <summary>A request refused for its token: <paramref name="access"/> read or write, <paramref name="reason"/> missing or invalid.</summary>
    public void AuthFailed(string access, string reason) =>
        _authFailures.Add(1, new KeyValuePair<string, object?>("access", access), new KeyValuePair<string, object?>("reason", reason));

    public void StreamRefused(string reason) => _streamsRefused.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void StreamResynced() => _streamResyncs.Add(1);

    public void Dispose() => _meter.Dispose();
}
