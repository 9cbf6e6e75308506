namespace NatsKvConfig.IntegrationTests.Infrastructure;

/// <summary>Waits for a condition with a deadline instead of sleeping for a guessed time.</summary>
internal static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    public static Task TrueAsync(Func<bool> condition, string because, TimeSpan? timeout = null) =>
        TrueAsync(() => Task.FromResult(condition()), () => because, timeout);

    /// <summary>As the other overloads, with the failure message made at the deadline (to include what was seen by then).</summary>
    public static Task TrueAsync(Func<bool> condition, Func<string> because, TimeSpan? timeout = null) =>
        TrueAsync(() => Task.FromResult(condition()), because, timeout);

    public static Task TrueAsync(Func<Task<bool>> condition, string because, TimeSpan? timeout = null) =>
        TrueAsync(condition, () => because, timeout);

    /// <summary>As the other overloads, with the failure message made at the deadline (to include what was seen by then).</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, Func<string> because, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {(timeout ?? DefaultTimeout).TotalSeconds:0.#} s waiting until {because()}.");
            }

            await Task.Delay(10);
        }
    }
}
