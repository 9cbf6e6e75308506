using System.Reflection;

namespace NatsKvConfig.Tests.Client;

public class PublicNamesTests
{
    [Fact]
    public void No_public_type_differs_from_a_NATS_Net_type_only_by_letter_case()
    {
        // NATS.Net spells "KV" and "JS" in capitals (NatsKVKeyNotFoundException); a name of ours that differs only in
        // case reads as theirs in a catch clause or a stack trace.
        var natsTypes = Directory.GetFiles(AppContext.BaseDirectory, "NATS.*.dll")
            .Select(Assembly.LoadFrom)
            .SelectMany(assembly => assembly.GetExportedTypes())
            .Select(type => type.Name)
            .ToHashSet(StringComparer.Ordinal);
        Assert.Contains("NatsKVKeyNotFoundException", natsTypes); // the NATS.Net assemblies were found

        var clashes = typeof(NatsKvConfigClient).Assembly.GetExportedTypes()
            .Select(type => type.Name)
            .Where(name => !natsTypes.Contains(name) && natsTypes.Contains(name, StringComparer.OrdinalIgnoreCase))
            .ToList();

        Assert.Empty(clashes);
    }

    [Fact]
    public void Every_exception_of_the_client_derives_from_its_base_and_none_from_another_family()
    {
        var exceptions = typeof(NatsKvConfigClient).Assembly.GetExportedTypes()
            .Where(type => typeof(Exception).IsAssignableFrom(type) && type.Namespace == "NatsKvConfig" && type != typeof(NatsKvConfigurationException))
            .ToList();

        Assert.All(exceptions, type => Assert.True(typeof(NatsKvConfigClientException).IsAssignableFrom(type), type.Name));
        Assert.Equal(
            ["NatsKvBucketSettingsException", "NatsKvConfigClientException", "NatsKvConfigNotFoundException", "NatsKvHistoryLimitException", "NatsKvOriginUnavailableException", "NatsKvRevisionConflictException", "NatsKvRollbackWouldDeleteException"],
            exceptions.Select(type => type.Name).Order(StringComparer.Ordinal));
    }
}
