using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace NatsKvConfig.IntegrationTests.Infrastructure;

/// <summary>Builds configuration from a test bucket the way an app does, with settings that keep tests quick.</summary>
internal static class ProviderHarness
{
    public static ConfigurationRoot Build(TestBucket bucket, Action<NatsKvConfigurationSource>? configure = null, ILoggerFactory? logs = null) =>
        Build(bucket.Name, bucket.Url, configure, logs);

    public static ConfigurationRoot Build(string bucket, string url, Action<NatsKvConfigurationSource>? configure = null, ILoggerFactory? logs = null) =>
        new ConfigurationBuilder()
            .AddNatsKv(bucket, source =>
            {
                source.Url = url;
                source.LoggerFactory = logs;
                source.WatchProbeInterval = TimeSpan.FromMilliseconds(500);
                configure?.Invoke(source);
            })
            .BuildRoot();

    /// <summary>Builds the root as its concrete type, which is disposable (and disposes the providers).</summary>
    public static ConfigurationRoot BuildRoot(this IConfigurationBuilder builder) => (ConfigurationRoot)builder.Build();

    public static NatsKvConfigurationProvider Provider(this IConfigurationRoot root) =>
        root.Providers.OfType<NatsKvConfigurationProvider>().Single();

    /// <summary>Counts reloads raised through the configuration root.</summary>
    public static Func<int> CountReloads(this IConfigurationRoot root)
    {
        var count = 0;
        Microsoft.Extensions.Primitives.ChangeToken.OnChange(root.GetReloadToken, () => Interlocked.Increment(ref count));
        return () => Volatile.Read(ref count);
    }
}
