using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;
using NATS.Client.Core;

namespace NatsKvConfig.IntegrationTests.Infrastructure;

/// <summary>
/// Writes increasing counters to keys <c>c.0</c> … <c>c.{n-1}</c> through faults, and checks what a provider
/// makes of them: its final state equals the bucket's, and no key's value ever goes back.
/// </summary>
internal static class CounterWorkload
{
    public static readonly TimeSpan Long = TimeSpan.FromSeconds(60);

    /// <summary>Puts counter <c>i</c> into key <c>c.{i % keys}</c> for i in [from, to), one at a time, retrying each put until the (possibly failing) servers take it.</summary>
    public static async Task WriteAsync(TestBucket bucket, int from, int to, int keys, CancellationToken cancellationToken)
    {
        for (var i = from; i < to; i++)
        {
            await PutUntilTakenAsync(bucket, $"c.{i % keys}", i, cancellationToken);
        }
    }

    /// <summary>Writes counters 1..<paramref name="perKey"/> to every key, the keys in parallel and each key's writes in order.</summary>
    public static Task WriteParallelAsync(TestBucket bucket, int keys, int perKey, CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(0, keys).Select(async key =>
        {
            for (var value = 1; value <= perKey; value++)
            {
                await PutUntilTakenAsync(bucket, $"c.{key}", value, cancellationToken);
            }
        }));

    private static async Task PutUntilTakenAsync(TestBucket bucket, string key, int value, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                await bucket.PutAsync(key, value.ToString(CultureInfo.InvariantCulture));
                return;
            }
            catch (Exception e) when (e is NatsException or TimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(50, cancellationToken); // the servers are failing over: try this write again
            }
        }
    }

    public static async Task AssertProviderMatchesBucketAsync(IConfigurationRoot root, TestBucket bucket, string because)
    {
        var expected = await bucket.ReadAllAsync();
        await Eventually.TrueAsync(
            () => expected.All(pair => root[NatsKvKeyMapper.ToPath(pair.Key)] == pair.Value)
                && root.AsEnumerable().Count(pair => pair.Value is not null) == expected.Count,
            because,
            Long);
    }
}

/// <summary>On every reload, reads the counters and records any that went back: an older revision applied over a newer one.</summary>
internal sealed class CounterRegressionWatch : IDisposable
{
    private readonly IConfigurationRoot _root;
    private readonly int[] _last;
    private readonly List<string> _regressions = [];
    private readonly IDisposable _subscription;

    public CounterRegressionWatch(IConfigurationRoot root, int keys)
    {
        _root = root;
        _last = new int[keys];
        _subscription = ChangeToken.OnChange(root.GetReloadToken, Check);
        Check();
    }

    public IReadOnlyList<string> Regressions
    {
        get
        {
            lock (_regressions)
            {
                return [.. _regressions];
            }
        }
    }

    private void Check()
    {
        lock (_regressions)
        {
            for (var key = 0; key < _last.Length; key++)
            {
                if (int.TryParse(_root[$"c:{key}"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
                {
                    if (value < _last[key])
                    {
                        _regressions.Add($"c:{key} went from {_last[key]} back to {value}");
                    }

                    _last[key] = value;
                }
            }
        }
    }

    public void Dispose() => _subscription.Dispose();
}
