using Microsoft.Extensions.Logging;

namespace NatsKvConfig;

/// <summary>
/// Logs and counts what the projection found wrong with entries: a skipped key or value, JSON kept as a string, a
/// path two keys map to. By key and revision, never by value; a key named as the bucket stores it (key prefix
/// included), so it can be found and fixed there.
/// </summary>
internal sealed class ProjectionWarningReporter(ILogger logger, NatsKvConfigMetrics metrics, string bucket, string? keyPrefix)
{
    public void Report(List<ProjectionWarning> warnings)
    {
        foreach (var warning in warnings)
        {
            var key = StoredKey(warning.Key);
            switch (warning.Kind)
            {
                case ProjectionWarningKind.MalformedKey:
                    Log.MalformedKeySkipped(logger, bucket, key, warning.Revision, warning.Detail);
                    metrics.EntrySkipped("malformed_key");
                    break;
                case ProjectionWarningKind.InvalidUtf8:
                    Log.InvalidUtf8Skipped(logger, bucket, key, warning.Revision);
                    metrics.EntrySkipped("invalid_utf8");
                    break;
                case ProjectionWarningKind.InvalidJson:
                    Log.InvalidJsonKeptAsString(logger, bucket, key, warning.Revision);
                    break;
                case ProjectionWarningKind.JsonOverLimit:
                    Log.JsonOverLimitKeptAsString(logger, bucket, key, warning.Revision, warning.Detail ?? string.Empty);
                    break;
                case ProjectionWarningKind.PathConflict:
                    Log.PathConflict(logger, bucket, warning.Detail ?? string.Empty, key, StoredKey(warning.OtherKey ?? string.Empty), warning.Revision, warning.PathCount);
                    break;
            }
        }
    }

    private string StoredKey(string key) => keyPrefix is { Length: > 0 } prefix ? prefix + "." + key : key;
}
