using System.Globalization;
using System.Text;

namespace NatsKvConfig.Testing;

/// <summary>
/// Writes the nats-server config files of a <see cref="NatsLeafTopology"/>: the hub (its own JetStream domain,
/// listening for leaf nodes) and each leaf node (its own JetStream domain, one remote: the hub). Every server is in
/// the default account, so a leaf node's clients reach the hub's JetStream as <c>$JS.&lt;hub domain&gt;.API</c>.
/// </summary>
internal static class LeafNodeConfig
{
    // How long a leaf node waits before dialling the hub again after losing it (nats-server's default is 1 s too;
    // said here so the tests' "the leaf reconnects" waits rest on a known value).
    private const int ReconnectSeconds = 1;

    public static string WriteHub(string directory, string serverName, string domain, int clientPort, int leafPort) =>
        Write(directory, Node(directory, serverName, domain, clientPort)
            .AppendLine("leafnodes {")
            .AppendLine(CultureInfo.InvariantCulture, $"  listen: 127.0.0.1:{leafPort}")
            .AppendLine("}"));

    public static string WriteLeaf(string directory, string serverName, string domain, int clientPort, int hubLeafPort) =>
        Write(directory, Node(directory, serverName, domain, clientPort)
            .AppendLine("leafnodes {")
            .AppendLine(CultureInfo.InvariantCulture, $"  reconnect: {ReconnectSeconds}")
            .AppendLine("  remotes: [")
            .AppendLine(CultureInfo.InvariantCulture, $"    {{ urls: [\"nats-leaf://127.0.0.1:{hubLeafPort}\"] }}")
            .AppendLine("  ]")
            .AppendLine("}"));

    // What a hub and a leaf node have alike: a name, a loopback client port, and JetStream in a domain of its own.
    private static StringBuilder Node(string directory, string serverName, string domain, int clientPort) =>
        new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"server_name: {serverName}")
            .AppendLine(CultureInfo.InvariantCulture, $"listen: 127.0.0.1:{clientPort}")
            .AppendLine("jetstream {")
            .AppendLine(CultureInfo.InvariantCulture, $"  store_dir: \"{ConfigPath(directory)}\"")
            .AppendLine(CultureInfo.InvariantCulture, $"  domain: {domain}")
            .AppendLine("}");

    private static string Write(string directory, StringBuilder text)
    {
        var path = Path.Combine(directory, "server.conf");
        File.WriteAllText(path, text.ToString());
        return path;
    }

    // The config parser treats backslashes in quoted strings as escapes; Windows accepts forward slashes.
    private static string ConfigPath(string path) => path.Replace('\\', '/');
}
