using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;

namespace NatsKvConfig.Testing;

/// <summary>
/// Kills nats-server children that are still running when the test process exits, and deletes the temp stores
/// they owned, so a test that forgot to dispose its server does not leave it holding a port and disk space.
/// A test process that is itself killed (SIGKILL) runs no exit handlers; nothing here can help then.
/// </summary>
internal static class ChildProcessReaper
{
    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(1);
    private static readonly ConcurrentDictionary<int, (Process Process, string? OwnedDirectory)> Running = new();
    private static int _hooked;

    public static void Track(Process process, string? ownedDirectory)
    {
        if (Interlocked.Exchange(ref _hooked, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => ReapAll();
        }

        Running[process.Id] = (process, ownedDirectory);
    }

    public static void Forget(int processId) => Running.TryRemove(processId, out _);

    private static void ReapAll()
    {
        foreach (var (process, ownedDirectory) in Running.Values)
        {
            try
            {
                process.Kill(entireProcessTree: false);
                process.WaitForExit(ExitWait);
            }
            catch (Exception ex) when (ex is InvalidOperationException or Win32Exception or NotSupportedException)
            {
                // Already gone, or disposed meanwhile: nothing to kill.
            }

            if (ownedDirectory is not null)
            {
                NatsServer.TryDeleteDirectory(ownedDirectory);
            }
        }
    }
}
