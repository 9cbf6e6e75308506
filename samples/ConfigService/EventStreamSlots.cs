namespace ConfigService;

/// <summary>
/// Caps the open <c>/events</c> streams: <see cref="ConfigServiceSettings.MaxEventStreams"/> in all, and
/// <see cref="ConfigServiceSettings.MaxEventStreamsPerClient"/> per token (or, without one, per client address), so
/// that one client cannot hold every slot, nor many clients the memory of unbounded streams.
/// </summary>
internal sealed class EventStreamSlots(ConfigServiceSettings settings)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, int> _perClient = new(StringComparer.Ordinal);
    private int _total;

    /// <summary>A slot for <paramref name="client"/>, to dispose when its stream ends; or null and why not.</summary>
    public (IDisposable? Slot, string? Refusal) TryTake(string client)
    {
        lock (_gate)
        {
            if (_total >= settings.MaxEventStreams)
            {
                return (null, $"the service has {settings.MaxEventStreams} event streams open, its limit (ConfigService:MaxEventStreams)");
            }

            var held = _perClient.GetValueOrDefault(client);
            if (held >= settings.MaxEventStreamsPerClient)
            {
                return (null, $"this client has {held} event streams open, the limit per token or address (ConfigService:MaxEventStreamsPerClient)");
            }

            _perClient[client] = held + 1;
            _total++;
            return (new Slot(this, client), null);
        }
    }

    private void Release(string client)
    {
        lock (_gate)
        {
            _total--;
            if (--_perClient[client] == 0)
            {
                _perClient.Remove(client);
            }
        }
    }

    private sealed class Slot(EventStreamSlots owner, string client) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                owner.Release(client);
            }
        }
    }
}
