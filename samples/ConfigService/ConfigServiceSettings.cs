using NatsKvConfig;

namespace ConfigService;

/// <summary>
/// The service's own settings, read once at start-up from appsettings, the environment and the command line —
/// never from the bucket it serves, so that whoever can write the bucket cannot change the tokens.
/// </summary>
internal sealed class ConfigServiceSettings
{
    public const string SectionName = "ConfigService";

    /// <summary>The bucket served (<c>ConfigService:Bucket</c>, default <c>app_config</c>).</summary>
    public string Bucket { get; init; } = "app_config";

    /// <summary>The bearer token writes need (<c>ConfigService:WriteToken</c>); without one, writes are refused.</summary>
    public string? WriteToken { get; init; }

    /// <summary>The bearer token reads need (<c>ConfigService:ReadToken</c>); without one, reads are open. The write token reads too.</summary>
    public string? ReadToken { get; init; }

    /// <summary>The NATS server(s) (<c>NATS_URL</c>, default <c>nats://localhost:4222</c>).</summary>
    public string NatsUrl { get; init; } = NatsKvSettings.DefaultUrl;

    public static ConfigServiceSettings From(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        return new ConfigServiceSettings
        {
            Bucket = section["Bucket"] is { Length: > 0 } bucket ? bucket : "app_config",
            WriteToken = section["WriteToken"] is { Length: > 0 } write ? write : null,
            ReadToken = section["ReadToken"] is { Length: > 0 } read ? read : null,
            NatsUrl = configuration["NATS_URL"] is { Length: > 0 } url ? url : NatsKvSettings.DefaultUrl,
        };
    }
}
