using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace NatsKvConfig.Tests.Options;

/// <summary>Configuration from a <see cref="ReloadableConfigurationSource"/>, a service provider built over it, and its logs.</summary>
internal sealed class OptionsHarness : IDisposable
{
    public OptionsHarness(IDictionary<string, string?> initial, Action<IServiceCollection, IConfiguration> register)
    {
        var source = new ReloadableConfigurationSource(initial);
        Provider = source.Provider;
        Configuration = new ConfigurationBuilder().Add(source).Build();
        var services = new ServiceCollection();
        services.AddLogging(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs));
        services.AddMetrics();
        register(services, Configuration);
        Services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    public ReloadableConfigurationProvider Provider { get; }

    public IConfigurationRoot Configuration { get; }

    public ServiceProvider Services { get; }

    public CapturingLoggerProvider Logs { get; } = new();

    public IOptionsMonitor<ServerOptions> Monitor => Services.GetRequiredService<IOptionsMonitor<ServerOptions>>();

    /// <summary>Changes the given paths and raises one reload, synchronously: listeners have run when this returns.</summary>
    public void Push(params (string Key, string? Value)[] values) =>
        Provider.Push(values.ToDictionary(v => v.Key, v => v.Value));

    public void Dispose()
    {
        Services.Dispose();
        (Configuration as IDisposable)?.Dispose();
    }
}

public sealed class ServerOptions
{
    [Required]
    public string Host { get; set; } = "";

    [Range(1, 65535)]
    public int Port { get; set; }
}
