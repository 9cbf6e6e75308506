using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using NATS.Client.KeyValueStore;

namespace NatsKvConfig.Tests.Wire;

public class NatsKvWireTests
{
    private static NatsJSApiException ApiError(int code, int errCode) =>
        new(new ApiError { Code = code, ErrCode = errCode, Description = "from the server" });

    [Fact]
    public void A_bucket_lives_in_stream_KV_bucket_under_subjects_KV_bucket()
    {
        Assert.Equal("KV_app", NatsKvWire.StreamName("app"));
        Assert.Equal("$KV.app.", NatsKvWire.SubjectPrefix("app"));
        Assert.Equal("$KV.app.Logging.LogLevel.Default", NatsKvWire.Subject("app", "Logging.LogLevel.Default"));
        Assert.Equal("$KV.app.tenant.>", NatsKvWire.Subject("app", "tenant.>"));
    }

    [Fact]
    public void A_bucket_that_is_no_mirror_takes_its_own_writes()
    {
        var origin = NatsKvWire.OriginOf("app", new StreamConfig("KV_app", ["$KV.app.>"]));

        Assert.False(origin.IsMirror);
        Assert.Equal("$KV.app.Feature.Enabled", origin.WriteSubject("Feature.Enabled"));
    }

    [Fact]
    public void A_mirror_in_another_domain_writes_to_its_origin_through_the_external_api_prefix()
    {
        var config = new StreamConfig { Name = "KV_app", Mirror = new StreamSource { Name = "KV_hubapp", External = new ExternalStreamSource { Api = "$JS.hub.API" } } };

        var origin = NatsKvWire.OriginOf("app", config);

        Assert.True(origin.IsMirror);
        Assert.Equal("hubapp", origin.Bucket);
        Assert.Equal("hub", origin.Domain);
        Assert.Equal("$JS.hub.API.$KV.hubapp.Feature.Enabled", origin.WriteSubject("Feature.Enabled"));
        Assert.Equal("NATS KV bucket 'hubapp' in JetStream domain 'hub'", origin.Describe());
    }

    [Fact]
    public void A_mirror_in_the_same_jetstream_writes_to_its_origins_own_subjects()
    {
        var origin = NatsKvWire.OriginOf("copy", new StreamConfig { Name = "KV_copy", Mirror = new StreamSource { Name = "KV_app" } });

        Assert.True(origin.IsMirror);
        Assert.Null(origin.ApiPrefix);
        Assert.Equal("$KV.app.a", origin.WriteSubject("a"));
    }

    [Theory]
    [InlineData("$JS.hub.API", "hub")]
    [InlineData("$JS.hub.API.", "hub")]
    [InlineData("$JS.API", null)]
    [InlineData("JS.from-acc1", null)]
    [InlineData("$JS.a.b.API", null)]
    [InlineData(null, null)]
    public void A_domain_is_read_only_from_a_domain_api_prefix(string? prefix, string? domain)
    {
        Assert.Equal(domain, NatsKvWire.DomainOf(prefix));
        if (domain is not null)
        {
            Assert.Equal(prefix!.TrimEnd('.'), NatsKvWire.DomainApiPrefix(domain));
        }
    }

    [Fact]
    public void The_error_codes_are_the_servers()
    {
        Assert.Equal(10049, NatsKvWire.StreamCreateFailed);
        Assert.Equal(10059, NatsKvWire.StreamNotFound);
        Assert.Equal(10071, NatsKvWire.WrongLastSequence);
    }

    [Fact]
    public void Marker_headers_say_the_operation_and_a_purge_rolls_up_the_key()
    {
        var delete = NatsKvWire.MarkerHeaders(purge: false);
        Assert.Equal("DEL", delete["KV-Operation"].ToString());
        Assert.False(delete.ContainsKey("Nats-Rollup"));

        var purge = NatsKvWire.MarkerHeaders(purge: true);
        Assert.Equal("PURGE", purge["KV-Operation"].ToString());
        Assert.Equal("sub", purge["Nats-Rollup"].ToString());
    }

    [Fact]
    public void Header_values_are_invariant_and_a_ttl_is_whole_seconds_rounded_up()
    {
        Assert.Equal("Nats-Expected-Last-Subject-Sequence", NatsKvWire.ExpectedLastSubjectSequenceHeader);
        Assert.Equal("18446744073709551615", NatsKvWire.ExpectedRevision(ulong.MaxValue));
        Assert.Equal("0", NatsKvWire.ExpectedRevision(0));
        Assert.Equal("Nats-TTL", NatsKvWire.MessageTtlHeader);
        Assert.Equal("30s", NatsKvWire.MessageTtl(TimeSpan.FromSeconds(30)));
        Assert.Equal("2s", NatsKvWire.MessageTtl(TimeSpan.FromMilliseconds(1001)));
    }

    [Fact]
    public void Stream_not_found_is_recognised_directly_and_as_a_cause()
    {
        var notFound = ApiError(404, 10059);

        Assert.True(NatsKvWire.IsStreamNotFound(notFound));
        Assert.True(NatsKvWire.IsStreamNotFound(new NatsKVException("wrapped", notFound)));
        Assert.True(NatsKvWire.IsStreamNotFound(new InvalidOperationException("outer", new NatsKVException("inner", notFound))));
    }

    [Fact]
    public void Other_failures_are_not_stream_not_found()
    {
        Assert.False(NatsKvWire.IsStreamNotFound(null));
        Assert.False(NatsKvWire.IsStreamNotFound(ApiError(404, 10037))); // no message found
        Assert.False(NatsKvWire.IsStreamNotFound(ApiError(400, 10071)));
        Assert.False(NatsKvWire.IsStreamNotFound(new NatsKVException("no cause")));
        Assert.False(NatsKvWire.IsStreamNotFound(new TimeoutException()));
        Assert.False(NatsKvWire.IsStreamNotFound(ApiError(500, 10049)));
    }
}
