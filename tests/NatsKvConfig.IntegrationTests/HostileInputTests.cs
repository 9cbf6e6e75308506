using System.Text;
using Microsoft.Extensions.Configuration;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NatsKvConfig.IntegrationTests.Infrastructure;

namespace NatsKvConfig.IntegrationTests;

/// <summary>
/// Malformed and hostile entries against a real server, in the initial load and live: each is skipped (or kept
/// as a plain string) with exactly one warning per entry, every valid key stays, and the next change arrives.
/// </summary>
public class HostileInputTests
{
    // Appears in values only: no log line may ever contain it.
    private const string Secret = "s3cr3t";

    /// <param name="Key">The key as stored in the bucket.</param>
    /// <param name="Value">The bytes stored.</param>
    /// <param name="EventId">The one warning each such entry gets.</param>
    /// <param name="KeptAsString">Whether the value stays a plain string (rather than being skipped).</param>
    /// <param name="Raw">Whether the key must be published raw, because NATS.Net refuses it as a KV key.</param>
    public sealed record Hostile(string Key, byte[] Value, int EventId, bool KeptAsString = false, bool Raw = false);

    public static readonly Dictionary<string, Hostile> Cases = new()
    {
        ["random bytes"] = new("bytes", RandomInvalidUtf8(4096), 2002),
        ["a UTF-16 surrogate encoded as UTF-8"] = new("cesu", [0xED, 0xA0, 0x80], 2002),
        ["an overlong UTF-8 sequence"] = new("overlong", [(byte)'{', 0xC0, 0xAF, (byte)'}'], 2002),
        ["JSON nested 10,000 deep"] = new("deep", Utf8(new string('[', 10_000) + new string(']', 10_000)), 2003, KeptAsString: true),
        ["JSON repeating a property"] = new("dup", Utf8($$"""{"{{Secret}}":1,"{{Secret.ToUpperInvariant()}}":2}"""), 2003, KeptAsString: true),
        ["JSON escaping a lone surrogate"] = new("surrogate", Utf8($$"""{"password":"{{Secret}}\uD800"}"""), 2003, KeptAsString: true),
        ["JSON that does not parse"] = new("broken", Utf8($$"""{"{{Secret}}":"""), 2003, KeptAsString: true),
        ["JSON of 30 KB expanding into 10,000 paths of 10,000 characters"] = new("bomb", Utf8(LongNameOverNumbers(10_000, 10_000)), 2005, KeptAsString: true),
        ["the same JSON at NATS's 1 MiB max payload"] = new("bomb.max", Utf8(LongNameOverNumbers(10_000, 500_000)), 2005, KeptAsString: true),
        ["JSON of 20,000 numbers"] = new("wide", Utf8($$"""{"{{Secret}}":[{{string.Join(",", Enumerable.Repeat("0", 20_000))}}]}"""), 2005, KeptAsString: true),
        ["JSON 60 levels deep with 40-character names"] = new("deep.names", Utf8(string.Concat(Enumerable.Range(0, 60).Select(i => $"{{\"{Secret}{new string('n', 34)}{i}\":")) + "1" + new string('}', 60)), 2005, KeptAsString: true),
        ["JSON repeating a 1,000-character name on 3,000 numbers"] = new("long.names", Utf8(LongNameOverNumbers(1_000, 3_000)), 2005, KeptAsString: true),
        ["a key with an escape that is not hex"] = new("bad=ZZ", Utf8(Secret), 2001),
        ["a key with a truncated UTF-8 escape"] = new("bad.=C3", Utf8(Secret), 2001),
        ["a key with a character keys may not hold"] = new("bad#key", Utf8(Secret), 2001, Raw: true),
        ["a key with a non-ASCII character"] = new("caf\u00E9", Utf8(Secret), 2001, Raw: true),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task A_hostile_entry_gets_one_warning_per_entry_in_the_initial_load_and_live_and_the_watch_goes_on(string name)
    {
        var hostile = Cases[name];
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        var logs = new CapturingLoggerProvider();
        var wellFormed = NatsKvKeyMapper.TryToPath(hostile.Key, out var path);
        Assert.Equal(hostile.EventId != 2001, wellFormed);

        // Initial load: the hostile entry among valid ones.
        await bucket.PutAsync("good.before", "1");
        await PutAsync(bucket, hostile);
        using var root = ProviderHarness.Build(bucket, logs: logs.CreateFactory());

        Assert.Equal("1", root["good:before"]);
        Assert.Equal(hostile.KeptAsString ? Encoding.UTF8.GetString(hostile.Value) : null, path is null ? null : root[path]);
        await Eventually.TrueAsync(() => Warnings(logs, hostile) >= 1, "the initial entry's warning is logged");
        Assert.Equal(1, Warnings(logs, hostile));

        // Live: a good value first (where the key can hold one), then the hostile entry, then a valid change.
        if (path is not null)
        {
            await bucket.PutAsync(hostile.Key, "last-good");
            await Eventually.TrueAsync(() => root[path] == "last-good", "the good value arrives");
        }

        await PutAsync(bucket, hostile);
        await bucket.PutAsync("good.after", "2");

        await Eventually.TrueAsync(() => root["good:after"] == "2", "the change after the hostile entry arrives");
        await Eventually.TrueAsync(() => Warnings(logs, hostile) >= 2, "the live entry's warning is logged");
        Assert.Equal(2, Warnings(logs, hostile));
        if (path is not null)
        {
            // Skipped: the last good value stays. Kept as a string: the hostile text is the value.
            Assert.Equal(hostile.KeptAsString ? Encoding.UTF8.GetString(hostile.Value) : "last-good", root[path]);
        }

        Assert.Equal("1", root["good:before"]);
        AssertNothingLeakedOrCrashed(logs);
    }

    [Fact]
    public async Task Values_near_the_server_s_max_payload_and_arrays_of_100k_elements_under_raised_limits_load_and_change_live()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        var maxPayload = (int)bucket.Connection.ServerInfo!.MaxPayload; // nats-server's default: 1 MiB
        var nearMax = new string('x', maxPayload - 1024);
        var array = "[" + string.Join(",", Enumerable.Range(0, 100_000)) + "]";
        await bucket.PutAsync("big.text", nearMax);
        await bucket.PutAsync("big.array", array);
        var logs = new CapturingLoggerProvider();

        // 100,000 paths and about 2 million characters: past the default JSON expansion limits, so raised for it.
        using var root = ProviderHarness.Build(
            bucket,
            s => s.JsonExpansionLimits = JsonExpansionLimits.Default with { MaxPaths = 100_000, MaxTotalLength = 4 * 1024 * 1024 },
            logs.CreateFactory());

        Assert.Equal(nearMax, root["big:text"]);
        Assert.Equal("0", root["big:array:0"]);
        Assert.Equal("54321", root["big:array:54321"]);
        Assert.Equal("99999", root["big:array:99999"]);
        Assert.Null(root["big:array:100000"]);

        // Live: the big array shrinks to one element, the text grows to the limit.
        await bucket.PutAsync("big.array", "[7]");
        var atMax = new string('y', maxPayload - 1024);
        await bucket.PutAsync("big.text", atMax);
        await Eventually.TrueAsync(() => root["big:text"] == atMax, "the large value arrives");
        Assert.Equal("7", root["big:array:0"]);
        Assert.Null(root["big:array:1"]);
        Assert.Null(root["big:array:99999"]);

        // Over the limit, the write is refused (by NATS.Net here, by the server for any client): nothing reaches
        // the provider, which goes on.
        await Assert.ThrowsAsync<NatsPayloadTooLargeException>(async () => await bucket.PutBytesAsync("big.text", new byte[maxPayload + 1]));
        await bucket.PutAsync("after", "arrives");
        await Eventually.TrueAsync(() => root["after"] == "arrives", "a change after the refused write arrives");
        Assert.Equal(atMax, root["big:text"]);
        Assert.DoesNotContain(logs.Ours, e => e.EventId is >= 2001 and <= 2009);
        AssertNothingLeakedOrCrashed(logs);
    }

    [Fact]
    public async Task Keys_differing_only_in_case_warn_once_per_entry_even_for_json_values_with_many_paths()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        var list = "[" + string.Join(",", Enumerable.Range(0, 1000)) + "]";
        await bucket.PutAsync("Db.Host", "old");
        await bucket.PutAsync("db.host", "new");
        await bucket.PutAsync("Servers", list);
        await bucket.PutAsync("servers", list);
        var logs = new CapturingLoggerProvider();

        using var root = ProviderHarness.Build(bucket, logs: logs.CreateFactory());

        Assert.Equal("new", root["db:host"]);
        Assert.Equal("999", root["servers:999"]);
        Assert.Equal(2, Count(logs, 2004)); // one per conflicting entry, not one per path (1,001 paths conflict)
        Assert.Contains(logs.Ours, e => e.EventId == 2004 && e.Message.Contains("'Servers'", StringComparison.Ordinal) && e.Message.EndsWith(": 1000", StringComparison.Ordinal));

        // Live: a third spelling wins as the newest; deleting it falls back to the newest of the others.
        await bucket.PutAsync("DB.HOST", "newest");
        await bucket.PutAsync("servers", "[1]");
        await Eventually.TrueAsync(() => root["db:host"] == "newest" && root["servers:0"] == "1", "the live puts arrive");
        await Eventually.TrueAsync(() => Count(logs, 2004) >= 4, "the live conflicts are logged");
        Assert.Equal(4, Count(logs, 2004));

        // The other spelling still holds its 1,000 items, so they are back but for the one 'servers' wins.
        Assert.Equal("999", root["servers:999"]);
        await bucket.DeleteAsync("DB.HOST");
        await Eventually.TrueAsync(() => root["db:host"] == "new", "the delete falls back to the newest other key");
        Assert.Equal(4, Count(logs, 2004));
        AssertNothingLeakedOrCrashed(logs);
    }

    [Fact]
    public async Task With_a_key_prefix_hostile_entries_outside_it_are_never_seen_and_those_under_it_are_named_in_full()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("app.good", "1");
        await bucket.PutAsync("app.bad=ZZ", Secret);
        await bucket.PutAsync("other.bad=ZZ", Secret);
        await bucket.PutBytesAsync("other.bytes", [0xFF]);
        await bucket.PutAsync("app", "the prefix itself is not under it");
        await bucket.PutAsync("appx.good", "a longer first token is not under it");
        var logs = new CapturingLoggerProvider();

        using var root = ProviderHarness.Build(bucket, s => s.KeyPrefix = "app", logs.CreateFactory());

        Assert.Equal(new Dictionary<string, string?> { ["good"] = "1" }, root.AsEnumerable().Where(p => p.Value is not null).ToDictionary());
        var malformed = Assert.Single(logs.Ours, e => e.EventId is >= 2001 and <= 2009);
        Assert.Equal(2001, malformed.EventId);
        Assert.Contains("'app.bad=ZZ'", malformed.Message, StringComparison.Ordinal);

        // Live: hostile entries outside the prefix are not even delivered; one under it is, with its full key.
        await bucket.PutBytesAsync("other.bytes", [0xC3, 0x28]);
        await bucket.PutAsync("other.deep", new string('[', 10_000));
        await bucket.PutBytesAsync("app.bytes", [0xC3, 0x28]);
        await bucket.PutAsync("app.after", "2");
        await Eventually.TrueAsync(() => root["after"] == "2", "the change under the prefix arrives");
        await Eventually.TrueAsync(() => Count(logs, 2002) >= 1, "the live warning is logged");

        var invalid = Assert.Single(logs.Ours, e => e.EventId == 2002);
        Assert.Contains("'app.bytes'", invalid.Message, StringComparison.Ordinal);
        Assert.Equal(2, logs.Ours.Count(e => e.EventId is >= 2001 and <= 2009));
        Assert.DoesNotContain(logs.Ours, e => e.Message.Contains("other.", StringComparison.Ordinal));
        AssertNothingLeakedOrCrashed(logs);
    }

    private static async Task PutAsync(TestBucket bucket, Hostile hostile)
    {
        if (!hostile.Raw)
        {
            await bucket.PutBytesAsync(hostile.Key, hostile.Value);
            return;
        }

        // What another client (or a plain publish) can store that NATS.Net's key validation would refuse.
        var ack = await new NatsJSContext(bucket.Connection).PublishAsync($"$KV.{bucket.Name}.{hostile.Key}", hostile.Value);
        ack.EnsureSuccess();
    }

    private static int Warnings(CapturingLoggerProvider logs, Hostile hostile) =>
        logs.Ours.Count(e => e.EventId == hostile.EventId && e.Message.Contains($"'{hostile.Key}'", StringComparison.Ordinal));

    private static int Count(CapturingLoggerProvider logs, int eventId) => logs.Ours.Count(e => e.EventId == eventId);

    private static void AssertNothingLeakedOrCrashed(CapturingLoggerProvider logs)
    {
        Assert.DoesNotContain(logs.Entries, e => e.Everything.Contains(Secret, StringComparison.OrdinalIgnoreCase));
        Assert.False(logs.Has(4003), "the apply or watch loop crashed");
        Assert.False(logs.Has(3001), "the watch failed");
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    // {"s3cr3tAAA…":[0,0,…]}: every path repeats the long name, so the expansion is the name's length times the count.
    private static string LongNameOverNumbers(int nameLength, int count) =>
        "{\"" + Secret + new string('A', nameLength - Secret.Length) + "\":[" + string.Join(",", Enumerable.Repeat("0", count)) + "]}";

    // Random bytes, with the (near certain) invalidity checked rather than assumed.
    private static byte[] RandomInvalidUtf8(int length)
    {
        var bytes = new byte[length];
        new Random(4).NextBytes(bytes);
        var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
        Assert.Throws<DecoderFallbackException>(() => strict.GetString(bytes));
        return bytes;
    }
}
