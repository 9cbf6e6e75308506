using System.Diagnostics;

namespace NatsKvConfig.Benchmarks;

/// <summary>Records when a numbered value is seen; one sample is in flight at a time.</summary>
internal sealed class LatencyProbe
{
    private TaskCompletionSource<long> _seen = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _expected = -1;

    public void Expect(int sample)
    {
        _seen = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _expected, sample);
    }

    public void Saw(string? value)
    {
        if (int.TryParse(value, out var sample) && sample == Volatile.Read(ref _expected))
        {
            _seen.TrySetResult(Stopwatch.GetTimestamp());
        }
    }

    /// <summary>Milliseconds from <paramref name="start"/> until the expected value was seen.</summary>
    public async Task<double> ElapsedSinceAsync(long start)
    {
        var seenAt = await _seen.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return Stopwatch.GetElapsedTime(start, seenAt).TotalMilliseconds;
    }
}
