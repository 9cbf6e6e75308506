using System.Globalization;
using System.Text;

namespace NatsKvConfig.Testing;

/// <summary>
/// Writes one cluster node's nats-server config file. A file rather than flags because the
/// <c>server_name</c>, <c>jetstream.store_dir</c> and route list read more plainly there, and a
/// test that fails can show it.
/// </summary>
internal static class ClusterNodeConfig
{
    public static string Write(
        string directory,
        string serverName,
        string clusterName,
        int clientPort,
        int clusterPort,
        IEnumerable<int> otherClusterPorts)
    {
        var text = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"server_name: {serverName}")
            .AppendLine(CultureInfo.InvariantCulture, $"listen: 127.0.0.1:{clientPort}")
            .AppendLine("jetstream {")
            .AppendLine(CultureInfo.InvariantCulture, $"  store_dir: \"{ConfigPath(directory)}\"")
            .AppendLine("}")
            .AppendLine("cluster {")
            .AppendLine(CultureInfo.InvariantCulture, $"  name: {clusterName}")
            .AppendLine(CultureInfo.InvariantCulture, $"  listen: 127.0.0.1:{clusterPort}")
            .AppendLine("  routes: [");
        foreach (var port in otherClusterPorts)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"    nats-route://127.0.0.1:{port}");
        }

        text.AppendLine("  ]").AppendLine("}");

        var path = Path.Combine(directory, "server.conf");
        File.WriteAllText(path, text.ToString());
        return path;
    }

    // The config parser treats backslashes in quoted strings as escapes; Windows accepts forward slashes.
    private static string ConfigPath(string path) => path.Replace('\\', '/');
}
