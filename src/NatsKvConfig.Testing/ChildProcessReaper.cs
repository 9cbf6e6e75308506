using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;

namespace NatsKvConfig.Testing;

/// <summary>
/// Kills nats-server children that are still running when the test process exits, so a test that forgot to
/// dispose its server does not leave it holding a port and a store directory. A test process that is itself
/// killed (SIGKILL) runs no exit handlers; nothing here can help then.
/// </summary>
internal static class ChildProcessReaper
{
    private static readonly ConcurrentDictionary<int, Process> Running = new();
    private static int _hooked;

    public static void Track(Process process)
    {
        if (Interlocked.Exchange(ref _hooked, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
        }

        Running[process.Id] = process;
    }

    public static void Forget(int processId) => Running.TryRemove(processId, out _);

    private static void KillAll()
    {
        foreach (var process in Running.Values)
        {
            try
            {
                process.Kill(entireProcessTree: false);
            }
            catch (Exception ex) when (ex is InvalidOperationException or Win32Exception or NotSupportedException)
            {
                // Already gone, or disposed meanwhile: nothing to reap.
            }
        }
    }
}
