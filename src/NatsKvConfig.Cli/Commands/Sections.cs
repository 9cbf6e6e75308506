namespace NatsKvConfig.Cli.Commands;

/// <summary>Prefix options: a NATS key prefix (<c>Logging.LogLevel</c>) or a configuration path (<c>Logging:LogLevel</c>).</summary>
internal static class Sections
{
    /// <summary>The configuration path the library's section methods take; <see langword="null"/> for the whole bucket.</summary>
    public static string? ToPath(string? prefix) => string.IsNullOrEmpty(prefix) ? null : NatsKvConfigKey.Parse(prefix).Path;
}
