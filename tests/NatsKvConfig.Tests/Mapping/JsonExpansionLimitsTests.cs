using System.Text;
using CsCheck;
using Microsoft.Extensions.Configuration;

namespace NatsKvConfig.Tests.Mapping;

/// <summary>
/// What one JSON value may expand into: the issue's 30 KB value that cost 193 MB, its variants, real
/// appsettings sections that must pass, and a property test that no expansion ever passes a limit.
/// </summary>
public class JsonExpansionLimitsTests
{
    private const string KeyPath = "app:settings";

    /// <summary><c>{"A×10,000":[0,0,… 10,000 zeros]}</c>: 10,000 paths of 10,000+ characters each, unbounded.</summary>
    public static string LongNameOverManyNumbers(int nameLength, int count) =>
        "{\"" + new string('A', nameLength) + "\":[" + string.Join(",", Enumerable.Repeat("0", count)) + "]}";

    public static TheoryData<string, string, string> Hostile => new()
    {
        { "the issue's 30 KB value", LongNameOverManyNumbers(10_000, 10_000), nameof(JsonExpansionOutcome.OverMaxPathLength) },
        { "the same shape at NATS's 1 MiB max payload", LongNameOverManyNumbers(10_000, 500_000), nameof(JsonExpansionOutcome.OverMaxPathLength) },
        { "wide: 20,000 numbers", "[" + string.Join(",", Enumerable.Repeat("0", 20_000)) + "]", nameof(JsonExpansionOutcome.OverMaxPaths) },
        { "deep: 60 levels of 40-character names", Nested(60, new string('n', 40)), nameof(JsonExpansionOutcome.OverMaxPathLength) },
        { "long names: a 1,000-character name over 3,000 numbers", LongNameOverManyNumbers(1_000, 3_000), nameof(JsonExpansionOutcome.OverMaxExpansionRatio) },
        { "long names: a 400-character name over 8,000 strings", LongNameOverManyStrings(400, 8_000), nameof(JsonExpansionOutcome.OverMaxTotalLength) },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void A_hostile_value_is_refused_for_the_limit_it_passes_adding_nothing_and_allocating_little(string name, string value, string expected)
    {
        var output = new List<KeyValuePair<string, string?>> { new("before", "kept") };
        JsonValueExpander.Expand(KeyPath, "{\"warm\":1}", JsonExpansionLimits.Default, []); // JIT and caches out of the measurement

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var outcome = JsonValueExpander.Expand(KeyPath, value, JsonExpansionLimits.Default, output);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        Assert.Equal(expected, outcome.ToString());
        Assert.Equal([new KeyValuePair<string, string?>("before", "kept")], output);

        // Unbounded, the 30 KB value allocated 193 MB. A refused value costs its parse (System.Text.Json's document:
        // the value as UTF-8 and 12 bytes per token, so at most about 16 bytes per character) and what was built up
        // to the limit (two bytes per character of MaxTotalLength, twice over for the list and set holding it).
        var bound = (16L * value.Length) + (4L * JsonExpansionLimits.DefaultMaxTotalLength) + (1L << 20);
        Assert.True(allocated < bound, $"{name}: allocated {allocated:N0} bytes, more than {bound:N0}");
    }

    [Fact]
    public void A_value_over_a_limit_expands_once_the_limit_is_raised()
    {
        var value = "[" + string.Join(",", Enumerable.Range(0, 20_000)) + "]";
        var output = new List<KeyValuePair<string, string?>>();

        Assert.Equal(JsonExpansionOutcome.OverMaxPaths, JsonValueExpander.Expand("p", value, JsonExpansionLimits.Default, output));
        Assert.Equal(JsonExpansionOutcome.Expanded, JsonValueExpander.Expand("p", value, JsonExpansionLimits.Default with { MaxPaths = 20_000 }, output));
        Assert.Equal(20_000, output.Count);
        Assert.Equal(new KeyValuePair<string, string?>("p:19999", "19999"), output[^1]);
    }

    [Fact]
    public void Each_limit_is_exact_at_its_boundary()
    {
        // "p:a" + "1" and "p:b" + "2": 2 paths, each 3 long, 8 characters in all, 4 of them below the key.
        const string Value = """{"a":1,"b":2}""";
        var exact = new JsonExpansionLimits { MaxPaths = 2, MaxPathLength = 3, MaxTotalLength = 8 };

        Assert.Equal(JsonExpansionOutcome.Expanded, JsonValueExpander.Expand("p", Value, exact, []));
        Assert.Equal(JsonExpansionOutcome.OverMaxPaths, JsonValueExpander.Expand("p", Value, exact with { MaxPaths = 1 }, []));
        Assert.Equal(JsonExpansionOutcome.OverMaxPathLength, JsonValueExpander.Expand("p", Value, exact with { MaxPathLength = 2 }, []));
        Assert.Equal(JsonExpansionOutcome.OverMaxTotalLength, JsonValueExpander.Expand("p", Value, exact with { MaxTotalLength = 7 }, []));
    }

    [Fact]
    public void The_ratio_spares_small_values_and_counts_only_what_lies_below_the_key()
    {
        // 50 short names under a 60-character section name: about 10 times the value's length, and small.
        var section = new string('s', 60);
        var small = "{\"" + section + "\":{" + string.Join(",", Enumerable.Range(0, 50).Select(i => $"\"k{i}\":1")) + "}}";
        Assert.Equal(JsonExpansionOutcome.Expanded, JsonValueExpander.Expand("p", small, JsonExpansionLimits.Default, []));
        Assert.Equal(JsonExpansionOutcome.Expanded, JsonValueExpander.Expand("p", small, JsonExpansionLimits.Default with { MaxExpansionRatio = 1 }, []));

        // A long key path repeated on 5,000 paths is not the value's doing: only what lies below the key counts.
        var numbers = "[" + string.Join(",", Enumerable.Repeat("1", 5_000)) + "]";
        var longKey = string.Join(":", Enumerable.Repeat("section", 20)); // 159 characters
        Assert.Equal(JsonExpansionOutcome.Expanded, JsonValueExpander.Expand(longKey, numbers, JsonExpansionLimits.Default with { MaxTotalLength = 2_000_000 }, []));
    }

    [Fact]
    public void Limits_must_be_positive_and_the_error_names_the_limit()
    {
        ArgumentOutOfRangeException[] refused =
        [
            Assert.Throws<ArgumentOutOfRangeException>(() => new JsonExpansionLimits { MaxPaths = 0 }),
            Assert.Throws<ArgumentOutOfRangeException>(() => new JsonExpansionLimits { MaxPathLength = -1 }),
            Assert.Throws<ArgumentOutOfRangeException>(() => new JsonExpansionLimits { MaxTotalLength = 0 }),
            Assert.Throws<ArgumentOutOfRangeException>(() => new JsonExpansionLimits { MaxExpansionRatio = 0 }),
        ];

        // Thrown by an init accessor, whose parameter is "value"; the message names the limit.
        Assert.All(refused, exception => Assert.Equal("value", exception.ParamName));
        Assert.Equal(["MaxPaths", "MaxPathLength", "MaxTotalLength", "MaxExpansionRatio"], refused.Select(exception => exception.Message.Split(' ')[0]));
    }

    [Fact]
    public void The_defaults_are_the_documented_numbers_and_equal_limits_are_equal()
    {
        var limits = JsonExpansionLimits.Default;

        Assert.Equal((10_000, 1_024, 1_048_576, 16), (limits.MaxPaths, limits.MaxPathLength, limits.MaxTotalLength, limits.MaxExpansionRatio));
        Assert.Equal(limits, new JsonExpansionLimits());
        Assert.NotEqual(limits, limits with { MaxPaths = 9_999 });
    }

    public static TheoryData<string> RealSections => new()
    {
        // ASP.NET Core's template.
        """
        {
          "Logging": { "LogLevel": { "Default": "Information", "Microsoft.AspNetCore": "Warning" } },
          "AllowedHosts": "*"
        }
        """,
        // Serilog with sinks, enrichers and overrides.
        """
        {
          "Serilog": {
            "Using": [ "Serilog.Sinks.Console", "Serilog.Sinks.File" ],
            "MinimumLevel": { "Default": "Information", "Override": { "Microsoft": "Warning", "Microsoft.Hosting.Lifetime": "Information", "System.Net.Http.HttpClient": "Warning" } },
            "WriteTo": [
              { "Name": "Console", "Args": { "outputTemplate": "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj} {Properties:j}{NewLine}{Exception}" } },
              { "Name": "File", "Args": { "path": "/var/log/app/log-.txt", "rollingInterval": "Day", "retainedFileCountLimit": 14, "fileSizeLimitBytes": 104857600 } }
            ],
            "Enrich": [ "FromLogContext", "WithMachineName", "WithThreadId" ],
            "Properties": { "Application": "Checkout" }
          }
        }
        """,
        // Kestrel endpoints with certificates, and a YARP reverse proxy.
        """
        {
          "Kestrel": {
            "Endpoints": {
              "Http": { "Url": "http://0.0.0.0:8080" },
              "Https": { "Url": "https://0.0.0.0:8443", "Certificate": { "Path": "/etc/certs/tls.crt", "KeyPath": "/etc/certs/tls.key" }, "SslProtocols": [ "Tls12", "Tls13" ] }
            },
            "Limits": { "MaxConcurrentConnections": 1000, "MaxRequestBodySize": 10485760, "KeepAliveTimeout": "00:02:00" }
          },
          "ReverseProxy": {
            "Routes": { "route1": { "ClusterId": "cluster1", "Match": { "Path": "{**catch-all}" } } },
            "Clusters": { "cluster1": { "Destinations": { "destination1": { "Address": "https://example.com/" } }, "HealthCheck": { "Active": { "Enabled": "true", "Interval": "00:00:10", "Timeout": "00:00:10", "Policy": "ConsecutiveFailures", "Path": "/api/health" } } } }
          }
        }
        """,
        // A big section: 2,000 tenants with a few settings each, under a long name.
        "{\"MultiTenancyConfigurationForTheBillingService\":{\"Tenants\":[" + string.Join(",", Enumerable.Range(0, 2_000).Select(i => $$"""{"Id":"tenant-{{i}}","Plan":"pro","Region":"eu-west-1","Quota":{{i * 10}}}""")) + "]}}",
        // A feature flag with an allow-list of 5,000 users.
        "{\"enabled\":true,\"rollout\":25,\"allowed_users\":[" + string.Join(",", Enumerable.Range(0, 5_000).Select(i => $"\"user-{i:D6}\"")) + "]}",
    };

    [Theory]
    [MemberData(nameof(RealSections))]
    public void Real_appsettings_sections_expand_within_the_default_limits_exactly_as_AddJsonFile_reads_them(string section)
    {
        var output = new List<KeyValuePair<string, string?>>();

        Assert.Equal(JsonExpansionOutcome.Expanded, JsonValueExpander.Expand("features:beta", section, JsonExpansionLimits.Default, output));

        var expected = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(section))).Build()
            .AsEnumerable().Where(p => p.Value is not null).ToDictionary(p => "features:beta:" + p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);
        Assert.Equal(expected.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase), output.Where(p => p.Value is not null).OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase));
    }

    // Structured JSON with names from one character to a few hundred, arrays up to 30 wide, objects up to 8, 5 deep.
    private static readonly Gen<string> Name = Gen.Frequency(
        (6, Gen.OneOf("a", "B", "id", "Logging", "ConnectionStrings")),
        (1, Gen.Int[1, 300].Select(n => new string('n', n))));

    private static readonly Gen<string> Structured = Gen.Recursive<string>((depth, self) => depth >= 5
        ? Gen.OneOf("1", "\"x\"", "null", "[]", "{}", "true")
        : Gen.Frequency(
            (3, Gen.OneOf("1", "\"value\"", "true", "null", "[]", "{}")),
            (1, self.Array[0, 30].Select(items => "[" + string.Join(",", items) + "]")),
            (1, Gen.Select(Name, self).Array[0, 8].Select(props =>
                "{" + string.Join(",", props.DistinctBy(p => p.Item1, StringComparer.OrdinalIgnoreCase).Select(p => $"\"{p.Item1}\":{p.Item2}")) + "}"))));

    // Small totals hit MaxTotalLength first; large ones leave room for the ratio, which spares 65,536 characters.
    private static readonly Gen<JsonExpansionLimits> SmallLimits = Gen.Select(
        Gen.Int[1, 2_000],
        Gen.Int[1, 600],
        Gen.Frequency((1, Gen.Int[1, 20_000]), (1, Gen.Int[100_000, 2_000_000])),
        Gen.Int[1, 8],
        (paths, pathLength, total, ratio) => new JsonExpansionLimits { MaxPaths = paths, MaxPathLength = pathLength, MaxTotalLength = total, MaxExpansionRatio = ratio });

    [Fact]
    public void Whatever_the_value_and_the_limits_an_expansion_stays_within_them_or_adds_nothing()
    {
        var outcomes = new Dictionary<JsonExpansionOutcome, int>();
        Gen.Select(Gen.OneOf(Gen.Const("k"), Gen.Const("a:much:longer:key:path")), Structured, SmallLimits).Sample((keyPath, value, limits) =>
        {
            var output = new List<KeyValuePair<string, string?>> { new("sentinel", null) };
            var outcome = JsonValueExpander.Expand(keyPath, value, limits, output);
            lock (outcomes)
            {
                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            }

            if (outcome != JsonExpansionOutcome.Expanded)
            {
                return output.Count == 1;
            }

            // A scalar or empty value produces the key's own path, of which nothing lies below the key.
            var produced = output.Skip(1).ToList();
            var below = produced.Sum(p => (p.Key.Length == keyPath.Length ? 0L : p.Key.Length - keyPath.Length - 1) + (p.Value?.Length ?? 0));
            return produced.Count <= limits.MaxPaths
                && produced.All(p => p.Key.Length <= limits.MaxPathLength)
                && produced.Sum(p => (long)p.Key.Length + (p.Value?.Length ?? 0)) <= limits.MaxTotalLength
                && below <= Math.Max(JsonExpansionLimits.RatioFreeLength, (long)limits.MaxExpansionRatio * value.Length)
                && produced.All(p => p.Key == keyPath || p.Key.StartsWith(keyPath + ":", StringComparison.Ordinal));
        }, iter: 5_000);

        // Every outcome occurs, so no side of the property is vacuous.
        foreach (var outcome in Enum.GetValues<JsonExpansionOutcome>().Where(o => o != JsonExpansionOutcome.Invalid))
        {
            Assert.True(outcomes.GetValueOrDefault(outcome) > 0, $"no sample ended {outcome}: {string.Join(", ", outcomes)}");
        }
    }

    [Fact]
    public void With_limits_out_of_reach_the_expansion_is_the_one_the_defaults_give()
    {
        var unlimited = new JsonExpansionLimits { MaxPaths = int.MaxValue, MaxPathLength = int.MaxValue, MaxTotalLength = int.MaxValue, MaxExpansionRatio = int.MaxValue };
        Structured.Sample(value =>
        {
            var bounded = new List<KeyValuePair<string, string?>>();
            var free = new List<KeyValuePair<string, string?>>();
            var outcome = JsonValueExpander.Expand("k", value, JsonExpansionLimits.Default, bounded);
            var freeOutcome = JsonValueExpander.Expand("k", value, unlimited, free);
            return outcome == JsonExpansionOutcome.Expanded
                ? freeOutcome == JsonExpansionOutcome.Expanded && bounded.SequenceEqual(free)
                : freeOutcome != JsonExpansionOutcome.Expanded || outcome != JsonExpansionOutcome.Invalid;
        }, iter: 2_000);
    }

    private static string Nested(int depth, string name)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < depth; i++)
        {
            builder.Append("{\"").Append(name).Append(i).Append("\":");
        }

        builder.Append('1').Append('}', depth);
        return builder.ToString();
    }

    private static string LongNameOverManyStrings(int nameLength, int count) =>
        "{\"" + new string('S', nameLength) + "\":[" + string.Join(",", Enumerable.Repeat("\"" + new string('v', 30) + "\"", count)) + "]}";
}
