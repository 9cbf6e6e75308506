using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace NatsKvConfig;

/// <summary>
/// The framework's <see cref="OptionsMonitor{TOptions}"/>, except that for names keeping their last valid value a
/// reload that fails validation or binding is not announced and does not throw out of the change callback.
/// </summary>
/// <remarks>
/// The framework's monitor rebuilds on change with <c>_cache.TryRemove(name); Get(name); _onChange(...)</c>: its
/// validation or binding exception would escape into the configuration provider's reload, and its listeners would be told
/// even when the factory handed back the previous value. Names not opted in behave exactly as there.
/// </remarks>
/// <typeparam name="TOptions">The options type.</typeparam>
internal sealed class KeepLastValidOptionsMonitor<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions> : IOptionsMonitor<TOptions>, IDisposable
    where TOptions : class
{
    private readonly KeepLastValidOptionsFactory<TOptions> _factory;
    private readonly IOptionsMonitorCache<TOptions> _cache;
    private readonly Func<TOptions> _createDefault;
    private readonly List<IDisposable> _registrations = [];

    public KeepLastValidOptionsMonitor(
        KeepLastValidOptionsFactory<TOptions> factory,
        IOptionsMonitorCache<TOptions> cache,
        IEnumerable<IOptionsChangeTokenSource<TOptions>> sources)
    {
        _factory = factory;
        _cache = cache;

        // CurrentValue is read on hot paths: no closure allocated per read for the default name.
        _createDefault = () => _factory.Create(Options.DefaultName);
        foreach (var source in sources)
        {
            _registrations.Add(ChangeToken.OnChange(source.GetChangeToken, OnSourceChanged, source.Name));
        }
    }

    private event Action<TOptions, string>? Changed;

    public TOptions CurrentValue => Get(Options.DefaultName);

    public TOptions Get(string? name)
    {
        name ??= Options.DefaultName;
        return name.Length == 0 ? _cache.GetOrAdd(name, _createDefault) : _cache.GetOrAdd(name, () => _factory.Create(name));
    }

    public IDisposable OnChange(Action<TOptions, string?> listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        var registration = new ListenerRegistration(this, listener);
        Changed += registration.Invoke;
        return registration;
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _registrations.Clear();
        Changed = null;
    }

    private void OnSourceChanged(string? name)
    {
        name ??= Options.DefaultName;
        if (!_factory.LastValid.AppliesTo(name))
        {
            // As the framework does: rebuild even with no listener (a null-conditional call would skip the Get).
            _cache.TryRemove(name);
            var rebuilt = Get(name);
            Changed?.Invoke(rebuilt, name);
            return;
        }

        _factory.TryGetLastValid(name, out var before);
        _cache.TryRemove(name);
        TOptions options;
        try
        {
            options = Get(name);
        }
        catch (OptionsValidationException exception)
        {
            // Nothing valid to keep yet. Readers get the exception, as without KeepLastValidOnReload; the reload does not.
            _factory.LastValid.Rejections.Rejected(typeof(TOptions), name, exception.Failures, keptLastValid: false);
            return;
        }
        catch (InvalidOperationException exception) when (OptionsBindingFailure.IsBindingFailure(exception))
        {
            _factory.LastValid.Rejections.BindingRejected(typeof(TOptions), name, OptionsBindingFailure.From(exception), keptLastValid: false);
            return;
        }

        // A valid build is always a new instance; getting the previous one back means the reload was rejected.
        if (before is not null && ReferenceEquals(options, before))
        {
            return;
        }

        Changed?.Invoke(options, name);
    }

    private sealed class ListenerRegistration(KeepLastValidOptionsMonitor<TOptions> monitor, Action<TOptions, string?> listener) : IDisposable
    {
        public void Invoke(TOptions options, string name) => listener(options, name);

        public void Dispose() => monitor.Changed -= Invoke;
    }
}
