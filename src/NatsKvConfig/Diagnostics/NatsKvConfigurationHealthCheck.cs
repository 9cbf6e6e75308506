using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace NatsKvConfig;

/// <summary>
/// Reports whether the app runs the configuration its NATS KV buckets hold: Healthy when every provider is
/// connected and caught up; Degraded when one is disconnected, catching up, serving its snapshot, or a push
/// was rejected by options validation or binding; Unhealthy when one never loaded.
/// </summary>
internal sealed class NatsKvConfigurationHealthCheck : IHealthCheck
{
    private readonly IConfiguration _configuration;
    private readonly string? _bucket;
    private readonly OptionsValidationRejections? _rejections;
    private readonly TimeProvider _time;

    public NatsKvConfigurationHealthCheck(IConfiguration configuration, string? bucket, OptionsValidationRejections? rejections, TimeProvider time)
    {
        _configuration = configuration;
        _bucket = bucket;
        _rejections = rejections;
        _time = time;
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var providers = NatsKvProviders.In(_configuration)
            .Where(p => _bucket is null || string.Equals(p.Bucket, _bucket, StringComparison.Ordinal))
            .ToList();
        if (providers.Count == 0)
        {
            return Task.FromResult(new HealthCheckResult(
                context.Registration.FailureStatus,
                _bucket is null
                    ? "The app's configuration has no NATS KV source (AddNatsKv)."
                    : $"The app's configuration has no NATS KV source for bucket '{_bucket}'."));
        }

        var now = _time.GetUtcNow();
        var status = HealthStatus.Healthy;
        var reasons = new List<string>();
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var provider in providers)
        {
            var (providerStatus, reason) = Assess(provider, now, context.Registration.FailureStatus);
            status = Worse(status, providerStatus);
            reasons.Add(reason);
            var prefix = providers.Count == 1 ? string.Empty : provider.Bucket + ".";
            data[prefix + "bucket"] = provider.Bucket;
            data[prefix + "applied_revision"] = provider.AppliedRevision;
            data[prefix + "connection_state"] = provider.IsConnected ? "connected" : "disconnected";
            data[prefix + "serving_snapshot"] = provider.IsServingSnapshot;
            if (provider.LastChangeTime is { } changed)
            {
                data[prefix + "seconds_since_last_change"] = Math.Round((now - changed).TotalSeconds, 1);
            }
        }

        foreach (var rejection in _rejections?.GetAll().Where(r => r.SupersededAt is null) ?? [])
        {
            status = Worse(status, HealthStatus.Degraded);
            var revisions = string.Join(", ", providers.Select(p => p.AppliedRevision.ToString(CultureInfo.InvariantCulture)));
            reasons.Add(
                $"the last push was rejected by {(rejection.Kind == OptionsRejectionKind.Binding ? "binding" : "validation")}: options {rejection.OptionsType.Name}{(rejection.OptionsName.Length == 0 ? string.Empty : $" '{rejection.OptionsName}'")} " +
                $"at revision {revisions}, {Age(now - rejection.RejectedAt)} ago ({string.Join("; ", rejection.Failures)}); " +
                (rejection.KeptLastValid ? "the last valid value is in use" : "there is no valid value to use"));
            data[$"rejected.{rejection.OptionsType.Name}{(rejection.OptionsName.Length == 0 ? string.Empty : "." + rejection.OptionsName)}"] = rejection.RejectedAt.ToString("O", CultureInfo.InvariantCulture);
        }

        return Task.FromResult(new HealthCheckResult(status, string.Join("; ", reasons), data: data));
    }

    private static (HealthStatus Status, string Reason) Assess(NatsKvConfigurationProvider provider, DateTimeOffset now, HealthStatus failureStatus)
    {
        var bucket = $"bucket '{provider.Bucket}'";
        if (provider.ServedSnapshotWrittenAt is { } written)
        {
            return (HealthStatus.Degraded, $"{bucket}: serving the last-known-good snapshot at revision {provider.AppliedRevision}, written {Age(now - written)} ago; the bucket has not been reachable since start-up");
        }

        if (!provider.IsLoaded)
        {
            return (failureStatus, $"{bucket}: never loaded (the server or the bucket has not been reachable since start-up)");
        }

        var since = provider.LastChangeTime is { } changed ? $", last change {Age(now - changed)} ago" : string.Empty;
        if (!provider.IsConnected)
        {
            return (HealthStatus.Degraded, $"{bucket}: disconnected from NATS; serving revision {provider.AppliedRevision}{since}");
        }

        if (!provider.IsCaughtUp)
        {
            return (HealthStatus.Degraded, $"{bucket}: connected, catching up (applied revision {provider.AppliedRevision}){since}");
        }

        return (HealthStatus.Healthy, $"{bucket}: connected and caught up at revision {provider.AppliedRevision}{since}");
    }

    private static HealthStatus Worse(HealthStatus a, HealthStatus b) => a < b ? a : b;

    private static string Age(TimeSpan age) => age.TotalSeconds < 120
        ? string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, age.TotalSeconds):0} s")
        : age.TotalMinutes < 120
            ? string.Create(CultureInfo.InvariantCulture, $"{age.TotalMinutes:0} min")
            : string.Create(CultureInfo.InvariantCulture, $"{age.TotalHours:0.#} h");
}
