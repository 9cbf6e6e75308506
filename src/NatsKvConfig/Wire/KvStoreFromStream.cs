using System.Runtime.CompilerServices;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using NATS.Client.KeyValueStore;

namespace NatsKvConfig;

/// <summary>
/// A NATS.Net KV store made from its bucket's stream, fetched once. NATS.Net's <c>GetStoreAsync</c> fetches the
/// stream itself and keeps its info to itself, and the watch needs that info too (the stream's state), so every
/// watch start asked the server for the same stream info twice: a round trip before the read could start, and in a
/// fleet's start storm, where the server's CPU is the limit, twice the requests.
/// </summary>
/// <remarks>
/// The store is made by NATS.Net's own constructor, the one its <c>GetStoreAsync</c> calls after the same fetch
/// and the same check; it is internal, so it is reached through <see cref="UnsafeAccessorAttribute"/>. A NATS.Net
/// version without it falls back to <c>GetStoreAsync</c>: one request more, nothing else different.
/// </remarks>
internal static class KvStoreFromStream
{
    /// <summary>Fetches <paramref name="bucket"/>'s stream and makes its store from it.</summary>
    public static async Task<(INatsKVStore Store, StreamInfo Info)> GetAsync(NatsJSContext js, string bucket, CancellationToken cancellationToken)
    {
        var stream = await js.GetStreamAsync(NatsKvWire.StreamName(bucket), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (stream.Info.Config.MaxMsgsPerSubject < 1)
        {
            // What GetStoreAsync checks: a stream keeping no message per subject is no KV bucket.
            throw new NatsKVException($"Stream '{stream.Info.Config.Name}' is not a NATS KV bucket's stream.");
        }

        try
        {
            return (NewStore(bucket, js, stream, NatsKVOpts.Default), stream.Info);
        }
        catch (MissingMethodException)
        {
            return (await new NatsKVContext(js).GetStoreAsync(bucket, cancellationToken).ConfigureAwait(false), stream.Info);
        }
    }

    [UnsafeAccessor(UnsafeAccessorKind.Constructor)]
    private static extern NatsKVStore NewStore(string bucket, INatsJSContext context, INatsJSStream stream, NatsKVOpts opts);
}
