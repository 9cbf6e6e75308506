using Microsoft.Extensions.Configuration;

namespace NatsKvConfig.Tests.Options;

/// <summary>A configuration source whose values a test replaces at will, each time raising one reload, as a live provider does.</summary>
internal sealed class ReloadableConfigurationSource(IDictionary<string, string?> initial) : IConfigurationSource
{
    public ReloadableConfigurationProvider Provider { get; } = new(initial);

    public IConfigurationProvider Build(IConfigurationBuilder builder) => Provider;
}

internal sealed class ReloadableConfigurationProvider : ConfigurationProvider
{
    public ReloadableConfigurationProvider(IDictionary<string, string?> initial) => Data = Copy(initial);

    /// <summary>Swaps in <paramref name="values"/> (changing only the paths given) and raises the reload on this thread.</summary>
    public void Push(IDictionary<string, string?> values)
    {
        var next = Copy(Data);
        foreach (var (key, value) in values)
        {
            next[key] = value;
        }

        Data = next;
        OnReload();
    }

    private static Dictionary<string, string?> Copy(IDictionary<string, string?> values) => new(values, StringComparer.OrdinalIgnoreCase);
}
