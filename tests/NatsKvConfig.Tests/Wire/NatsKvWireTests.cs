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
