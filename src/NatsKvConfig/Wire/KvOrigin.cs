namespace NatsKvConfig;

/// <summary>
/// Where a bucket's writes go, as its stream says: the bucket itself, or, for a mirror (which takes no writes), the
/// bucket it mirrors, reached through the mirror's external API prefix when the origin is in another JetStream
/// domain (or account). Made by <see cref="NatsKvWire.OriginOf"/>; the subjects come from <see cref="NatsKvWire"/>.
/// </summary>
/// <param name="Bucket">The bucket that takes the writes: the bucket itself, or a mirror's origin.</param>
/// <param name="ApiPrefix">The JetStream API prefix of the origin (<c>$JS.hub.API</c>), or <see langword="null"/> for the local JetStream.</param>
/// <param name="IsMirror">Whether the bucket is a mirror, so writes (and, when reachable, history) go to the origin.</param>
internal sealed record KvOrigin(string Bucket, string? ApiPrefix, bool IsMirror)
{
    /// <summary>The origin's JetStream domain when <see cref="ApiPrefix"/> is one (<c>$JS.&lt;domain&gt;.API</c>); otherwise <see langword="null"/>.</summary>
    public string? Domain => NatsKvWire.DomainOf(ApiPrefix);

    /// <summary>The subject a write of <paramref name="key"/> is published to.</summary>
    public string WriteSubject(string key) => NatsKvWire.WriteSubject(this, key);

    /// <summary>How messages name the origin: <c>bucket 'app_config' in JetStream domain 'hub'</c>.</summary>
    public string Describe() => (Domain, ApiPrefix) switch
    {
        ({ } domain, _) => $"NATS KV bucket '{Bucket}' in JetStream domain '{domain}'",
        (null, { } prefix) => $"NATS KV bucket '{Bucket}' behind JetStream API prefix '{prefix}'",
        _ => $"NATS KV bucket '{Bucket}'",
    };
}
