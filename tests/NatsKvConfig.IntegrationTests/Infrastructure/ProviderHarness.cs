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
            .AddNatsKv(bucket, source => Configure(source, url, logs, configure))
            .BuildRoot();

    /// <summary>
    /// Builds the root over a provider made through its internal seam: the test holds its pending changes (what
    /// waits, what is held back) and may act before each batch is applied (throw to make the apply fail).
    /// </summary>
    public static ConfigurationRoot Build(TestBucket bucket, PendingChanges pending, Action<NatsKvConfigurationSource>? configure = null, ILoggerFactory? logs = null, Action<PendingBatch>? beforeApply = null)
    {
        var source = new NatsKvConfigurationSource { Bucket = bucket.Name };
        Configure(source, bucket.Url, logs, configure);
        return new ConfigurationRoot([new NatsKvConfigurationProvider(source, pending, beforeApply)]);
    }

    /// <summary>A hook before each batch that throws once, the first time after it is armed: one failed apply.</summary>
    public sealed class InjectedApplyFailure
    {
        private int _armed;

        /// <summary>Armed from the start: the first batch applied fails.</summary>
        public static InjectedApplyFailure Armed()
        {
            var failure = new InjectedApplyFailure();
            failure.Arm();
            return failure;
        }

        public Action<PendingBatch> Hook => _ =>
        {
            if (Interlocked.Exchange(ref _armed, 0) == 1)
            {
                throw new InvalidOperationException("injected failure");
            }
        };

        /// <summary>Makes the next batch fail, once.</summary>
        public void Arm() => Interlocked.Exchange(ref _armed, 1);
    }

    // The settings every harness-built source starts from: quick probes, the test's logs, then the test's own.
    private static void Configure(NatsKvConfigurationSource source, string url, ILoggerFactory? logs, Action<NatsKvConfigurationSource>? configure)
    {
        source.Url = url;
        source.LoggerFactory = logs;
        source.WatchProbeInterval = TimeSpan.FromMilliseconds(500);
        configure?.Invoke(source);
    }

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
