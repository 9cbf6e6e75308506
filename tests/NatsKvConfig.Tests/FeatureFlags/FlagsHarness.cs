using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using NatsKvConfig.Tests.Options;

namespace NatsKvConfig.Tests.FeatureFlags;

/// <summary>
/// Flags over in-memory configuration that a test writes the way the NATS KV provider would: a key's JSON value
/// expanded into child paths (or kept as one string when expansion is off), each write one reload.
/// </summary>
internal sealed class FlagsHarness : IDisposable
{
    private readonly ILoggerFactory _loggerFactory;

    public FlagsHarness(bool expandJsonValues = true, string section = "features")
    {
        ExpandJsonValues = expandJsonValues;
        Section = section;
        Provider = new FlagConfigurationProvider();
        Configuration = new ConfigurationBuilder().Add(new FlagConfigurationSource(Provider)).Build();
        _loggerFactory = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs));
        Flags = new NatsKvFeatureFlags(Configuration, section, _loggerFactory.CreateLogger<NatsKvFeatureFlags>());
    }

    public bool ExpandJsonValues { get; }

    public string Section { get; }

    public FlagConfigurationProvider Provider { get; }

    public IConfigurationRoot Configuration { get; }

    public CapturingLoggerProvider Logs { get; } = new();

    public NatsKvFeatureFlags Flags { get; }

    /// <summary>Warnings about <paramref name="flag"/> with event id <paramref name="eventId"/>.</summary>
    public List<CapturingLoggerProvider.LogEntry> Warnings(int eventId, string flag) =>
        [.. Logs.WithId(eventId).Where(e => e.Message.Contains($"'{flag}'", StringComparison.Ordinal))];

    /// <summary>Writes <paramref name="value"/> to the flag's key (<c>features.&lt;flag&gt;</c>) as the provider would read it: one reload.</summary>
    public void Put(string flag, string value) => Provider.Replace(ConfigurationPath.Combine(Section, flag), value, ExpandJsonValues);

    /// <summary>Writes flat keys (paths under the flag) and nothing else: one reload.</summary>
    public void PutFlat(params (string Path, string Value)[] values) => Provider.Set(values);

    public void Delete(string flag) => Provider.Replace(ConfigurationPath.Combine(Section, flag), null, ExpandJsonValues);

    /// <summary>A reload that changes nothing about the flags.</summary>
    public void UnrelatedReload() => Provider.Set(("unrelated:key", Guid.NewGuid().ToString()));

    public void Dispose()
    {
        _loggerFactory.Dispose();
        (Configuration as IDisposable)?.Dispose();
    }
}

internal sealed class FlagConfigurationSource(FlagConfigurationProvider provider) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => provider;
}

/// <summary>Swaps its whole data on each change, then raises one reload, as the NATS KV provider does.</summary>
internal sealed class FlagConfigurationProvider : ConfigurationProvider
{
    /// <summary>Replaces everything at and under <paramref name="path"/> with <paramref name="value"/> (null: deletes it).</summary>
    public void Replace(string path, string? value, bool expandJsonValues)
    {
        var next = new Dictionary<string, string?>(Data, StringComparer.OrdinalIgnoreCase);
        foreach (var key in next.Keys.Where(k => k.Equals(path, StringComparison.OrdinalIgnoreCase)
            || k.StartsWith(path + ConfigurationPath.KeyDelimiter, StringComparison.OrdinalIgnoreCase)).ToList())
        {
            next.Remove(key);
        }

        if (value is not null)
        {
            // The provider's own rule: a value that looks like JSON and parses expands; anything else stays a string.
            var expanded = new List<KeyValuePair<string, string?>>();
            if (expandJsonValues && JsonValueExpander.LooksLikeJson(value) && (JsonValueExpander.Expand(path, value, JsonExpansionLimits.Default, expanded) == JsonExpansionOutcome.Expanded))
            {
                foreach (var (key, child) in expanded)
                {
                    next[key] = child;
                }
            }
            else
            {
                next[path] = value;
            }
        }

        Data = next;
        OnReload();
    }

    public void Set(params (string Path, string Value)[] values)
    {
        var next = new Dictionary<string, string?>(Data, StringComparer.OrdinalIgnoreCase);
        foreach (var (path, value) in values)
        {
            next[path] = value;
        }

        Data = next;
        OnReload();
    }
}
