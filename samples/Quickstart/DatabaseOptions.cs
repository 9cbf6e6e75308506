namespace Quickstart;

/// <summary>The options the quickstart binds to the <c>database</c> section.</summary>
public sealed class DatabaseOptions
{
    public string Host { get; set; } = "";

    public int Port { get; set; }

    public int MaxConnections { get; set; }

    public List<string> Replicas { get; set; } = [];

    public override string ToString() =>
        $"Host={Host} Port={Port} MaxConnections={MaxConnections} Replicas=[{string.Join(", ", Replicas)}]";
}
