using System.Globalization;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace NatsKvConfig;

/// <summary>
/// The one place that knows how NATS KV is laid out on JetStream: a bucket's stream and subjects, the headers of
/// its writes, the JetStream API requests made beside NATS.Net's KV API, and the API error codes told apart.
/// Everything else asks here rather than spelling a subject, a header or an error code itself.
/// </summary>
internal static class NatsKvWire
{
    /// <summary>A stream could not be created; the description says why.</summary>
    public const int StreamCreateFailed = 10049;

    /// <summary>"stream name already in use with a different configuration": the bucket exists, with other settings.</summary>
    public const int StreamNameInUse = 10058;

    /// <summary>"stream not found": the bucket does not exist.</summary>
    public const int StreamNotFound = 10059;

    /// <summary>"wrong last sequence": a compare-and-swap failed.</summary>
    public const int WrongLastSequence = 10071;

    /// <summary>The header that marks a KV message as a delete or purge marker.</summary>
    public const string OperationHeader = "KV-Operation";

    /// <summary>The compare-and-swap header: the write is stored only if the subject's last sequence is this one (0: none).</summary>
    public const string ExpectedLastSubjectSequenceHeader = "Nats-Expected-Last-Subject-Sequence";

    /// <summary>The per-message TTL header (nats-server 2.11+).</summary>
    public const string MessageTtlHeader = "Nats-TTL";

    private const string DeleteOperation = "DEL";
    private const string PurgeOperation = "PURGE";
    private const string RollupHeader = "Nats-Rollup";
    private const string RollupSubject = "sub";

    // The API status of a request whose object (a stream, a message) is missing; the error code says which.
    private const int NotFoundStatus = 404;

    /// <summary>The JetStream API prefix of the local JetStream (no domain, no account import).</summary>
    public const string DefaultApiPrefix = "$JS.API";

    private const string StreamNamePrefix = "KV_";
    private const string DomainApiStart = "$JS.";
    private const string DomainApiEnd = ".API";

    /// <summary>The name of the stream that holds <paramref name="bucket"/>: <c>KV_&lt;bucket&gt;</c>.</summary>
    public static string StreamName(string bucket) => StreamNamePrefix + bucket;

    /// <summary>The bucket a KV stream holds (<c>KV_app_config</c> → <c>app_config</c>); the name as is when it lacks the prefix.</summary>
    public static string BucketOf(string streamName) =>
        streamName.StartsWith(StreamNamePrefix, StringComparison.Ordinal) ? streamName[StreamNamePrefix.Length..] : streamName;

    /// <summary>The API prefix of JetStream domain <paramref name="domain"/>: <c>$JS.&lt;domain&gt;.API</c>.</summary>
    public static string DomainApiPrefix(string domain) => DomainApiStart + domain + DomainApiEnd;

    /// <summary>The domain of a <c>$JS.&lt;domain&gt;.API</c> prefix (a trailing dot allowed); <see langword="null"/> for any other prefix.</summary>
    public static string? DomainOf(string? apiPrefix)
    {
        var prefix = apiPrefix?.TrimEnd('.');
        if (prefix is null
            || prefix.Length <= DomainApiStart.Length + DomainApiEnd.Length
            || !prefix.StartsWith(DomainApiStart, StringComparison.Ordinal)
            || !prefix.EndsWith(DomainApiEnd, StringComparison.Ordinal))
        {
            return null;
        }

        var domain = prefix[DomainApiStart.Length..^DomainApiEnd.Length];
        return domain.Contains('.', StringComparison.Ordinal) ? null : domain;
    }

    /// <summary>
    /// Where writes of <paramref name="bucket"/> go, from its stream's configuration: the bucket itself; or, for a
    /// mirror, its origin bucket, through the mirror source's external API prefix when it has one (as the Go and
    /// JavaScript clients do: a mirror takes no writes, so they are published to the origin).
    /// </summary>
    public static KvOrigin OriginOf(string bucket, StreamConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Mirror is not { } mirror)
        {
            return new KvOrigin(bucket, null, IsMirror: false);
        }

        var apiPrefix = mirror.External?.Api is { Length: > 0 } api ? api.TrimEnd('.') : null;
        return new KvOrigin(BucketOf(mirror.Name), apiPrefix, IsMirror: true);
    }

    /// <summary>
    /// The source of a mirror of <paramref name="originBucket"/> in JetStream domain <paramref name="domain"/>: its
    /// stream, reached through the domain's API prefix (what <see cref="OriginOf"/> reads back).
    /// </summary>
    public static StreamSource MirrorSource(string originBucket, string domain) =>
        new() { Name = StreamName(originBucket), External = new ExternalStreamSource { Api = DomainApiPrefix(domain) } };

    /// <summary>
    /// The subject a write of <paramref name="key"/> (relative to no prefix: the bucket's full key) is published to:
    /// <c>$KV.&lt;bucket&gt;.&lt;key&gt;</c>, or across a domain <c>&lt;api prefix&gt;.$KV.&lt;origin&gt;.&lt;key&gt;</c>:
    /// the server of a leaf node maps <c>$JS.&lt;domain&gt;.API.$KV.&gt;</c> to the domain's <c>$KV.&gt;</c>, and
    /// denies a plain <c>$KV.&gt;</c> across the leaf connection.
    /// </summary>
    public static string WriteSubject(KvOrigin origin, string key)
    {
        ArgumentNullException.ThrowIfNull(origin);
        var subject = Subject(origin.Bucket, key);
        return origin.ApiPrefix is { } prefix ? prefix + "." + subject : subject;
    }

    /// <summary>What every subject of <paramref name="bucket"/> starts with: <c>$KV.&lt;bucket&gt;.</c></summary>
    public static string SubjectPrefix(string bucket) => "$KV." + bucket + ".";

    /// <summary>
    /// The subject of a key of <paramref name="bucket"/>, or the filter subject of a key filter (wildcards pass
    /// through): <c>$KV.&lt;bucket&gt;.&lt;key&gt;</c>.
    /// </summary>
    public static string Subject(string bucket, string keyOrFilter) => SubjectPrefix(bucket) + keyOrFilter;

    /// <summary>The headers of a delete marker, or of a purge marker (which rolls up the key's earlier messages).</summary>
    public static NatsHeaders MarkerHeaders(bool purge) => purge
        ? new NatsHeaders { [OperationHeader] = PurgeOperation, [RollupHeader] = RollupSubject }
        : new NatsHeaders { [OperationHeader] = DeleteOperation };

    /// <summary>The value of <see cref="ExpectedLastSubjectSequenceHeader"/> for <paramref name="revision"/>.</summary>
    public static string ExpectedRevision(ulong revision) => revision.ToString(CultureInfo.InvariantCulture);

    /// <summary>The value of <see cref="MessageTtlHeader"/>: whole seconds, rounded up.</summary>
    public static string MessageTtl(TimeSpan ttl) =>
        ((long)Math.Ceiling(ttl.TotalSeconds)).ToString(CultureInfo.InvariantCulture) + "s";

    /// <summary>Whether <paramref name="exception"/>, or one of its causes, says the bucket's stream does not exist.</summary>
    public static bool IsStreamNotFound(Exception? exception) => exception switch
    {
        null => false,
        NatsJSApiException api => api.Error.ErrCode == StreamNotFound,
        _ => IsStreamNotFound(exception.InnerException),
    };

    /// <summary>
    /// The revision of the newest entry under <paramref name="filter"/> (0 when there is none), if the server can
    /// say: a last-by-subject message get on the bucket's stream.
    /// </summary>
    /// <returns>Known false when the server refused or does not support the request, so the caller falls back on the watch's own end-of-data marker.</returns>
    /// <exception cref="NatsJSApiException">The bucket's stream does not exist.</exception>
    public static async Task<(bool Known, ulong Revision)> LastRevisionAsync(INatsJSContext js, string bucket, string filter, CancellationToken cancellationToken)
    {
        try
        {
            var response = await js.JSRequestResponseAsync<StreamMsgGetRequest, StreamMsgGetResponse>(
                MessageGetSubject(js, bucket),
                new StreamMsgGetRequest { LastBySubj = Subject(bucket, filter) },
                cancellationToken).ConfigureAwait(false);
            return (true, response.Message.Seq);
        }
        catch (NatsJSApiException exception) when (exception.Error.Code == NotFoundStatus && exception.Error.ErrCode != StreamNotFound)
        {
            return (true, 0); // no message under the filter
        }
        catch (NatsJSApiException exception) when (exception.Error.ErrCode != StreamNotFound)
        {
            return (false, 0);
        }
    }

    /// <summary>
    /// Gets one message of the bucket's stream by sequence, for what the answer proves: the server let this user
    /// ask. A missing message is an answer too; a permission the user lacks is not (the request goes unanswered
    /// and fails).
    /// </summary>
    public static async Task ProveMessageGetAsync(INatsJSContext js, string bucket, ulong sequence, CancellationToken cancellationToken)
    {
        try
        {
            _ = await js.JSRequestResponseAsync<StreamMsgGetRequest, StreamMsgGetResponse>(
                MessageGetSubject(js, bucket),
                new StreamMsgGetRequest { Seq = sequence },
                cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJSApiException)
        {
            // The server answered (no such message, say): the permission is there.
        }
    }

    /// <summary>
    /// One page of the bucket's stream info with the subjects under <paramref name="filter"/> and their message
    /// counts, starting at subject <paramref name="offset"/>.
    /// </summary>
    public static async Task<StreamInfoResponse> SubjectsAsync(INatsJSContext js, string bucket, string filter, int offset, CancellationToken cancellationToken) =>
        await js.JSRequestResponseAsync<StreamInfoRequest, StreamInfoResponse>(
            $"{js.Opts.Prefix}.STREAM.INFO.{StreamName(bucket)}",
            new StreamInfoRequest { SubjectsFilter = Subject(bucket, filter), Offset = offset },
            cancellationToken).ConfigureAwait(false);

    private static string MessageGetSubject(INatsJSContext js, string bucket) => $"{js.Opts.Prefix}.STREAM.MSG.GET.{StreamName(bucket)}";
}
