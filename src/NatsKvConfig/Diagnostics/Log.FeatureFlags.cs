using Microsoft.Extensions.Logging;

namespace NatsKvConfig;

/// <summary>Feature flag log lines (9001–9009, documented in docs/monitoring.md): flag names and fixed reasons, never values.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 9001, Level = LogLevel.Warning, Message = "Feature flag '{Feature}' is not defined in configuration section '{Section}'; it is off (warned once per flag name)")]
    public static partial void FeatureFlagUnknown(ILogger logger, string feature, string section);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Warning, Message = "Feature flag '{Feature}' in configuration section '{Section}' is malformed: {Problem}; it is off until it is fixed")]
    public static partial void FeatureFlagMalformed(ILogger logger, string feature, string section, string problem);

    [LoggerMessage(EventId = 9003, Level = LogLevel.Warning, Message = "Asked for {Count} different undefined feature flags in configuration section '{Section}'; no more of them are warned about")]
    public static partial void FeatureFlagUnknownWarningsStopped(ILogger logger, string section, int count);

    [LoggerMessage(EventId = 9004, Level = LogLevel.Debug, Message = "Read {FlagCount} feature flags from configuration section '{Section}' after a configuration reload ({MalformedCount} malformed)")]
    public static partial void FeatureFlagsRead(ILogger logger, string section, int flagCount, int malformedCount);
}
