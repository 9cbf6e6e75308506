using Microsoft.Extensions.Configuration;

namespace NatsKvConfig;

/// <summary>Finds the NATS KV providers of a configuration, however deep: the one walk the health check and the host share.</summary>
internal static class NatsKvProviders
{
    /// <summary>
    /// The NATS KV providers of <paramref name="configuration"/>, in order, each once: those of its root
    /// (<c>ConfigurationManager</c> or <c>ConfigurationRoot</c>) and of the configurations chained into it
    /// (<c>AddConfiguration</c>).
    /// </summary>
    public static List<NatsKvConfigurationProvider> In(IConfiguration configuration)
    {
        var found = new List<NatsKvConfigurationProvider>();
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        Walk(configuration, found, seen);
        return found;
    }

    private static void Walk(IConfiguration configuration, List<NatsKvConfigurationProvider> found, HashSet<object> seen)
    {
        if (configuration is not IConfigurationRoot root || !seen.Add(root))
        {
            return;
        }

        foreach (var provider in root.Providers)
        {
            switch (provider)
            {
                case NatsKvConfigurationProvider natsKv when seen.Add(natsKv):
                    found.Add(natsKv);
                    break;
                case ChainedConfigurationProvider chained:
                    Walk(chained.Configuration, found, seen);
                    break;
            }
        }
    }
}
