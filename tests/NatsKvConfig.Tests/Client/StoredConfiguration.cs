using System.Text;
using Microsoft.Extensions.Configuration;

namespace NatsKvConfig.Tests.Client;

/// <summary>
/// What a bucket holding the given paths reads as, without a server: each path stored under its key as the
/// client stores it, then read back as the provider reads a bucket (JSON values expanded).
/// </summary>
internal static class StoredConfiguration
{
    public static List<NatsKvConfigEntry> Entries(IEnumerable<KeyValuePair<string, string?>> paths) =>
        paths.Select((pair, i) => new NatsKvConfigEntry(
                NatsKvKeyMapper.ToKey(pair.Key),
                (ulong)i + 1,
                NatsKvConfigOperation.Put,
                Encoding.UTF8.GetBytes(StoredValues.ToStored(pair.Value)),
                DateTimeOffset.UnixEpoch))
            .ToList();

    public static Dictionary<string, string?> Read(IEnumerable<KeyValuePair<string, string?>> paths) =>
        ConfigurationProjection.From(Entries(paths), JsonExpansionLimits.Default).Values;

    public static IConfigurationRoot Build(IEnumerable<KeyValuePair<string, string?>> paths) =>
        new ConfigurationBuilder().AddInMemoryCollection(Read(paths)).Build();
}
