using System.Net;
using System.Net.Sockets;

namespace NatsKvConfig.Testing;

/// <summary>Finds loopback ports that nothing listens on, by letting the OS pick them.</summary>
internal static class FreePorts
{
    /// <summary>
    /// Returns <paramref name="count"/> distinct free ports. All listeners stay open until every port
    /// is chosen, so the OS cannot hand the same port out twice; another process may still take one
    /// before the server binds it, which is why starts retry on "address already in use".
    /// </summary>
    public static IReadOnlyList<int> Take(int count)
    {
        var listeners = new List<TcpListener>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
            }

            return [.. listeners.Select(listener => ((IPEndPoint)listener.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
            }
        }
    }

    public static int Take() => Take(1)[0];

    /// <summary>True when a server could bind the port on 127.0.0.1 right now.</summary>
    public static bool IsFree(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

        // nats-server (Go) binds with SO_REUSEADDR on Unix, so connections of the previous run
        // lingering in TIME_WAIT do not stop it; ask the same question it will.
        if (!OperatingSystem.IsWindows())
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        }

        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            socket.Listen(1);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
