using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace NatsKvConfig.Tests.Client;

public class TransientStoreFailureTests
{
    private static NatsJSApiException StoreFailed() =>
        new(new ApiError { Code = 500, ErrCode = 10049, Description = "error creating store for stream" });

    [Fact]
    public async Task The_store_failure_is_tried_again_until_creation_succeeds()
    {
        var calls = 0;
        var retries = new List<int>();

        var result = await TransientStoreFailure.RetryAsync(
            _ => ++calls < 3 ? throw StoreFailed() : ValueTask.FromResult("created"),
            (attempt, _) => retries.Add(attempt),
            CancellationToken.None);

        Assert.Equal("created", result);
        Assert.Equal(3, calls);
        Assert.Equal([1, 2], retries);
    }

    [Fact]
    public async Task After_the_last_attempt_the_failure_is_thrown_as_the_server_gave_it()
    {
        var calls = 0;

        var exception = await Assert.ThrowsAsync<NatsJSApiException>(() => TransientStoreFailure.RetryAsync<string>(
            _ => { calls++; throw StoreFailed(); },
            retrying: null,
            CancellationToken.None));

        Assert.Equal(TransientStoreFailure.Attempts, calls);
        Assert.Equal(10049, exception.Error.ErrCode);
    }

    [Theory]
    [InlineData(10049, "subjects overlap with an existing stream")]
    [InlineData(10058, "stream name already in use with a different configuration")]
    [InlineData(10047, "insufficient storage resources available")]
    public async Task Other_refusals_are_thrown_at_once(int errCode, string description)
    {
        var calls = 0;

        await Assert.ThrowsAsync<NatsJSApiException>(() => TransientStoreFailure.RetryAsync<string>(
            _ => { calls++; throw new NatsJSApiException(new ApiError { Code = 400, ErrCode = errCode, Description = description }); },
            retrying: null,
            CancellationToken.None));

        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task Cancelling_stops_the_wait_between_attempts()
    {
        using var cancellation = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => TransientStoreFailure.RetryAsync<string>(
            _ => throw StoreFailed(),
            (_, _) => cancellation.Cancel(),
            cancellation.Token));
    }

    [Fact]
    public void The_waits_double_from_100_ms()
    {
        Assert.Equal(
            [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(400)],
            Enumerable.Range(1, TransientStoreFailure.Attempts - 1).Select(TransientStoreFailure.DelayAfter));
    }
}
