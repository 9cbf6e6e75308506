using System.Diagnostics;

namespace NatsKvConfig.Benchmarks;

/// <summary>
/// Records when every instance of a fleet has seen a numbered value; one sample is in flight at a time. Each instance
/// counts once per sample, however often it is told.
/// </summary>
internal sealed class FleetProbe
{
    private readonly int[] _lastSeen;
    private TaskCompletionSource<long> _allSeen = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _expected = -1;
    private int _remaining;

    public FleetProbe(int instances)
    {
        _lastSeen = Enumerable.Repeat(-1, instances).ToArray();
    }

    public void Expect(int sample)
    {
        _allSeen = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _remaining, _lastSeen.Length);
        Volatile.Write(ref _expected, sample);
    }

    public void Saw(int instance, string? value)
    {
        if (int.TryParse(value, out var sample) && sample == Volatile.Read(ref _expected)
            && Interlocked.Exchange(ref _lastSeen[instance], sample) != sample
            && Interlocked.Decrement(ref _remaining) == 0)
        {
            _allSeen.TrySetResult(Stopwatch.GetTimestamp());
        }
    }

    /// <summary>Milliseconds from <paramref name="start"/> until the last instance saw the expected value.</summary>
    public async Task<double> ElapsedSinceAsync(long start)
    {
        try
        {
            var seenAt = await _allSeen.Task.WaitAsync(TimeSpan.FromSeconds(60));
            return Stopwatch.GetElapsedTime(start, seenAt).TotalMilliseconds;
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"{Volatile.Read(ref _remaining)} of {_lastSeen.Length} instances had not seen sample {_expected} after 60 s.");
        }
    }
}
