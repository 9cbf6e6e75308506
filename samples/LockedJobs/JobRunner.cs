using NatsKvConfig;

namespace LockedJobs;

/// <summary>One worker: runs a job only while it holds the job's lock, and stops the moment the lock is lost.</summary>
internal sealed class JobRunner(string worker, NatsKvLock locks, FencedLedger ledger)
{
    public string Worker => worker;

    /// <summary>Waits up to <paramref name="wait"/> for the lock of <paramref name="job"/>, runs it, releases the lock.</summary>
    /// <returns>True if the job ran to the end while the lock was held.</returns>
    public async Task<bool> RunOnceAsync(string job, TimeSpan wait, TimeSpan workTime, CancellationToken cancellationToken, Action? acquired = null)
    {
        await using var handle = await locks.AcquireAsync(job, wait, cancellationToken);
        acquired?.Invoke();
        Output.Line($"{worker}: holds '{job}' with fencing token {handle.FencingToken}");

        // Stop working as soon as the lock is lost (the server unreachable long enough, or the lock taken over).
        using var work = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, handle.LockLost);
        ledger.Enter();
        try
        {
            if (!ledger.TryWrite(handle.FencingToken, $"{worker} started {job}"))
            {
                Output.Line($"{worker}: the ledger refused token {handle.FencingToken}: someone newer holds the lock");
                return false;
            }

            await Task.Delay(workTime, work.Token); // the job's real work goes here, passing work.Token along
            return ledger.TryWrite(handle.FencingToken, $"{worker} finished {job}");
        }
        catch (OperationCanceledException) when (handle.LockLost.IsCancellationRequested)
        {
            Output.Line($"{worker}: lost the lock of '{job}'; stopped");
            return false;
        }
        finally
        {
            ledger.Leave();
        }
    }
}
