using System.Runtime.CompilerServices;
using System.Threading.Channels;
using NATS.Client.Core;
using NATS.Client.KeyValueStore;

namespace NatsKvConfig;

public sealed partial class NatsKvConfigClient
{
    /// <summary>
    /// The changes to the section's keys from now on (puts, deletes and purges), as they happen, until cancelled.
    /// </summary>
    /// <param name="section">A configuration path; empty or <see langword="null"/> for everything.</param>
    /// <param name="cancellationToken">Ends the watch.</param>
    /// <returns>The changes; ordered by revision, except that a change of the section's own key may come out of order with its children's.</returns>
    /// <exception cref="NatsKvConfigNotFoundException">The bucket does not exist.</exception>
    public async IAsyncEnumerable<NatsKvConfigEntry> WatchAsync(string? section = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var store = await GetStoreAsync(cancellationToken).ConfigureAwait(false);
        var channel = Channel.CreateUnbounded<NatsKvConfigEntry>(new UnboundedChannelOptions { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watching = WatchFiltersAsync(store, _keys.Filters(SectionScope.For(section)), channel.Writer, stop.Token);
        try
        {
            await foreach (var entry in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return entry;
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await watching.ConfigureAwait(false);
        }
    }

    // One watch per filter (a server before 2.10 takes one filter per consumer), merged into one channel.
    private async Task WatchFiltersAsync(INatsKVStore store, IReadOnlyList<string> filters, ChannelWriter<NatsKvConfigEntry> writer, CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(filters.Select(filter => WatchFilterAsync(store, filter, writer, cancellationToken))).ConfigureAwait(false);
            writer.TryComplete();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            writer.TryComplete();
        }
        catch (Exception exception) when (NatsKvWire.IsStreamNotFound(exception))
        {
            writer.TryComplete(NatsKvConfigNotFoundException.BucketMissing(Bucket, exception));
        }
        catch (Exception exception)
        {
            writer.TryComplete(exception);
        }
    }

    private async Task WatchFilterAsync(INatsKVStore store, string filter, ChannelWriter<NatsKvConfigEntry> writer, CancellationToken cancellationToken)
    {
        var opts = new NatsKVWatchOpts { UpdatesOnly = true };
        await foreach (var entry in store.WatchAsync(filter, NatsRawSerializer<byte[]>.Default, opts, cancellationToken).ConfigureAwait(false))
        {
            if (_keys.TryRelative(entry.Key, out var key))
            {
                writer.TryWrite(new NatsKvConfigEntry(key, entry.Revision, BucketScanner.ToOperation(entry.Operation), entry.Value ?? [], entry.Created));
            }
        }
    }
}
