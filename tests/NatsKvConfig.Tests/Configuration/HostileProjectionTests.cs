using System.Text;

namespace NatsKvConfig.Tests.Configuration;

/// <summary>Explicit hostile entries through the projection: each is skipped or kept as documented, with one warning.</summary>
public class HostileProjectionTests
{
    private readonly BucketProjection _projection = new(JsonExpansionLimits.Default);
    private readonly List<ProjectionWarning> _warnings = [];
    private ConfigurationView _view = ConfigurationView.Empty;

    private static KvChange Put(string key, ulong revision, string value) =>
        new(key, revision, false, Encoding.UTF8.GetBytes(value), DateTimeOffset.UnixEpoch);

    private void Apply(params KvChange[] changes) => _view = _projection.Apply(changes, _view, _warnings);

    private string? Get(string path) => _view.TryGetValue(path, out var value) ? value : null;

    [Fact]
    public void Json_escaping_a_lone_surrogate_stays_a_plain_string_and_the_rest_of_the_batch_applies()
    {
        // Before the fix, reading "\uD800" threw out of the projection and stopped the apply loop for good.
        const string Value = """{"password":"\uD800"}""";
        Apply(Put("before", 1, "1"), Put("creds", 2, Value), Put("after", 3, "3"));

        Assert.Equal(Value, Get("creds"));
        Assert.Equal("1", Get("before"));
        Assert.Equal("3", Get("after"));
        var warning = Assert.Single(_warnings);
        Assert.Equal((ProjectionWarningKind.InvalidJson, "creds", 2UL), (warning.Kind, warning.Key, warning.Revision));
    }

    [Fact]
    public void Json_nested_ten_thousand_deep_stays_a_plain_string_with_one_warning()
    {
        var deep = new string('[', 10_000) + new string(']', 10_000);

        Apply(Put("deep", 1, deep), Put("next", 2, "ok"));

        Assert.Equal(deep, Get("deep"));
        Assert.Equal("ok", Get("next"));
        Assert.Equal(ProjectionWarningKind.InvalidJson, Assert.Single(_warnings).Kind);
    }

    [Fact]
    public void Two_large_json_values_differing_only_in_key_case_give_one_conflict_warning_not_one_per_path()
    {
        const int Count = 10_000;
        var array = "[" + string.Join(",", Enumerable.Range(0, Count)) + "]";

        Apply(Put("Servers", 1, array), Put("servers", 2, array.Replace("1", "7", StringComparison.Ordinal)));

        var warning = Assert.Single(_warnings);
        Assert.Equal(ProjectionWarningKind.PathConflict, warning.Kind);
        Assert.Equal(("servers", "Servers", Count), (warning.Key, warning.OtherKey, warning.PathCount));
        Assert.Equal("7", Get("servers:1"));
        Assert.Equal(Count, _view.Count);
    }

    [Fact]
    public void A_hundred_thousand_element_array_stays_a_string_under_the_default_limits_and_expands_under_raised_ones()
    {
        var array = "[" + string.Join(",", Enumerable.Range(0, 100_000)) + "]";

        Apply(Put("big", 1, array), Put("after", 2, "applied"));
        Assert.Equal(array, Get("big"));
        Assert.Equal("applied", Get("after"));
        var warning = Assert.Single(_warnings);
        Assert.Equal((ProjectionWarningKind.JsonOverLimit, "big", 1UL, "MaxPaths = 10000"), (warning.Kind, warning.Key, warning.Revision, warning.Detail));

        var raised = new BucketProjection(JsonExpansionLimits.Default with { MaxPaths = 100_000, MaxTotalLength = 4 * 1024 * 1024 });
        var view = raised.Apply([Put("big", 1, array)], ConfigurationView.Empty, _warnings);
        Assert.Equal(100_000, view.Count);
        Assert.True(view.TryGetValue("big:99999", out var last) && last == "99999");

        view = raised.Apply([Put("big", 2, "[1]")], view, _warnings);
        Assert.Equal(1, view.Count);
        Assert.True(view.TryGetValue("big:0", out var first) && first == "1");
        Assert.False(view.TryGetValue("big:1", out _));
        Assert.Single(_warnings);
    }

    [Fact]
    public void A_value_over_a_limit_is_a_plain_string_until_a_put_within_the_limits_expands_again()
    {
        var bomb = "{\"" + new string('A', 10_000) + "\":[" + string.Join(",", Enumerable.Repeat("0", 10_000)) + "]}";

        Apply(Put("app", 1, """{"port":80}"""));
        Apply(Put("app", 2, bomb), Put("other", 3, "v"));

        Assert.Equal(bomb, Get("app"));
        Assert.Null(Get("app:port"));
        Assert.Equal("v", Get("other"));
        Assert.Equal(2, _view.Count);
        var warning = Assert.Single(_warnings);
        Assert.Equal((ProjectionWarningKind.JsonOverLimit, "app", 2UL, "MaxPathLength = 1024"), (warning.Kind, warning.Key, warning.Revision, warning.Detail));

        Apply(Put("app", 4, """{"port":81}"""));
        Assert.Equal("81", Get("app:port"));
        Assert.Null(Get("app"));
    }

    [Fact]
    public void A_value_of_a_whole_mebibyte_is_kept_byte_for_byte()
    {
        var value = new string('x', 1024 * 1024);

        Apply(Put("big", 1, value));

        Assert.Equal(value, Get("big"));
        Assert.Empty(_warnings);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xC3, 0x28 })] // a lead byte without its continuation
    [InlineData(new byte[] { 0xC0, 0xAF })] // an overlong '/'
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })] // a UTF-16 surrogate encoded as UTF-8
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 })] // beyond U+10FFFF
    [InlineData(new byte[] { (byte)'{', (byte)'"', (byte)'a', (byte)'"', (byte)':', 0xE2, 0x82, (byte)'}' })]
    public void Invalid_utf8_of_every_kind_is_skipped_with_one_warning_and_the_last_good_value_stays(byte[] bytes)
    {
        Apply(Put("a", 1, "good"));

        Apply(new KvChange("a", 2, false, bytes, DateTimeOffset.UnixEpoch), Put("b", 3, "next"));

        Assert.Equal("good", Get("a"));
        Assert.Equal("next", Get("b"));
        var warning = Assert.Single(_warnings);
        Assert.Equal((ProjectionWarningKind.InvalidUtf8, "a", 2UL), (warning.Kind, warning.Key, warning.Revision));
    }

    [Theory]
    [InlineData("a.=")] // fine: an empty last segment
    [InlineData("=.a")] // fine: an empty first segment
    public void A_lone_escape_marker_token_is_an_empty_segment_not_an_error(string key)
    {
        Apply(Put(key, 1, "v"));

        Assert.Empty(_warnings);
        Assert.Equal("v", Get(NatsKvKeyMapper.ToPath(key)));
    }

    [Theory]
    [InlineData("a=")]
    [InlineData("a=4")]
    [InlineData("a=G1")]
    [InlineData("a==41")]
    [InlineData("a.=E2=82")] // truncated UTF-8
    [InlineData("a.=C0=AF")] // overlong UTF-8
    [InlineData("a.b c")]
    [InlineData("a..b")]
    public void A_malformed_escape_or_token_skips_the_key_with_one_warning(string key)
    {
        Apply(Put(key, 1, "secret"), Put("ok", 2, "v"));

        Assert.Equal("v", Get("ok"));
        Assert.Equal(1, _view.Count);
        var warning = Assert.Single(_warnings);
        Assert.Equal((ProjectionWarningKind.MalformedKey, key), (warning.Kind, warning.Key));
        Assert.DoesNotContain("secret", warning.ToString(), StringComparison.Ordinal);
    }
}
