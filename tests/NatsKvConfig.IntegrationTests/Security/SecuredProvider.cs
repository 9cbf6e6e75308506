using NATS.Client.Core;
using NatsKvConfig.IntegrationTests.Infrastructure;

namespace NatsKvConfig.IntegrationTests.Security;

/// <summary>What every kind of authentication must do: load the bucket and follow its changes, or fail start-up.</summary>
internal static class SecuredProvider
{
    public static readonly TimeSpan FailFast = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Builds configuration from <paramref name="bucket"/> over a connection made from <paramref name="opts"/>,
    /// checks the value written before, writes a change through the bucket's (admin) connection and waits for it.
    /// </summary>
    public static async Task AssertLoadsAndFollowsChangesAsync(TestBucket bucket, NatsOpts opts)
    {
        await bucket.PutAsync("service.endpoint", "https://initial.example");

        using var root = ProviderHarness.Build(bucket.Name, opts.Url, source => source.NatsOpts = opts);

        Assert.Equal("https://initial.example", root["service:endpoint"]);
        Assert.True(root.Provider().IsConnected);
        await bucket.PutAsync("service.endpoint", "https://changed.example");
        await Eventually.TrueAsync(() => root["service:endpoint"] == "https://changed.example", "the change arrives over the secured connection");
    }

    /// <summary>Start-up with <paramref name="opts"/> must fail (quickly) with <see cref="NatsKvConfigurationException"/>.</summary>
    /// <returns>The exception, to check its cause.</returns>
    public static NatsKvConfigurationException AssertStartUpFails(string bucket, NatsOpts opts) =>
        Assert.Throws<NatsKvConfigurationException>(() => ProviderHarness.Build(bucket, opts.Url, source =>
        {
            source.NatsOpts = opts;
            source.StartupTimeout = FailFast;
        }));

    /// <summary>Whether the message of an exception in the chain names <paramref name="text"/>.</summary>
    public static bool ChainMentions(Exception exception, string text) =>
        Chain(exception).Any(e => e.Message.Contains(text, StringComparison.OrdinalIgnoreCase));

    public static IEnumerable<Exception> Chain(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }
}
