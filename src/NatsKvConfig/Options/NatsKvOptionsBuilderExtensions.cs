using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NatsKvConfig;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Options builder extensions for options bound to live configuration.</summary>
public static class NatsKvOptionsBuilderExtensions
{
    /// <summary>
    /// Keeps the last valid <typeparamref name="TOptions"/> of this name when a configuration reload makes it fail
    /// validation (<c>Validate</c>, <c>ValidateDataAnnotations</c>, any <see cref="IValidateOptions{TOptions}"/>) or
    /// binding (a value the binder cannot convert, such as <c>"80 80"</c> for an <see cref="int"/>).
    /// </summary>
    /// <remarks>
    /// <para>
    /// After a rejected reload <see cref="IOptionsMonitor{TOptions}"/> goes on returning the last valid value, its
    /// <c>OnChange</c> listeners are not called, nothing throws out of the reload or to readers, and the rejection is
    /// logged (event 5001 with the validation failure messages, 5003 with the configuration path and target type of
    /// a binding failure; never values) and counted (<c>natskvconfig.options.validation_rejections</c> on meter
    /// <c>NatsKvConfig</c>, tagged <c>options.failure</c> = <c>validation</c> or <c>binding</c>), once while the same
    /// rejection stands. The next valid reload is applied and announced as usual.
    /// </para>
    /// <para>
    /// The first value of a name has nothing to fall back on: it throws as usual (<see cref="OptionsValidationException"/>,
    /// or the binder's <see cref="InvalidOperationException"/>), so <c>ValidateOnStart()</c> still fails start-up fast.
    /// <see cref="IOptionsSnapshot{TOptions}"/> and <see cref="IOptions{TOptions}"/> also get the last valid value
    /// instead of an exception once one exists.
    /// </para>
    /// <para>
    /// This registers an <see cref="IOptionsFactory{TOptions}"/> and an <see cref="IOptionsMonitor{TOptions}"/> for
    /// <typeparamref name="TOptions"/>; custom ones for the same type cannot be combined with it.
    /// </para>
    /// </remarks>
    /// <typeparam name="TOptions">The options type.</typeparam>
    /// <param name="optionsBuilder">The options builder.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="InvalidOperationException">
    /// A custom <see cref="IOptionsFactory{TOptions}"/> or <see cref="IOptionsMonitor{TOptions}"/> is registered for
    /// <typeparamref name="TOptions"/>.
    /// </exception>
    public static OptionsBuilder<TOptions> KeepLastValidOnReload<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>(
        this OptionsBuilder<TOptions> optionsBuilder)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(optionsBuilder);
        var services = optionsBuilder.Services;
        services.AddOptions();
        services.AddSingleton(new KeepLastValidOnReloadName<TOptions>(optionsBuilder.Name));

        // The registrations below serve every name of TOptions; each call only adds its name to the list above.
        if (services.Any(descriptor => descriptor.ServiceType == typeof(LastValidOptions<TOptions>)))
        {
            return optionsBuilder;
        }

        if (services.Any(descriptor => !descriptor.IsKeyedService
            && (descriptor.ServiceType == typeof(IOptionsFactory<TOptions>) || descriptor.ServiceType == typeof(IOptionsMonitor<TOptions>))))
        {
            throw new InvalidOperationException(
                $"KeepLastValidOnReload registers its own IOptionsFactory and IOptionsMonitor for {typeof(TOptions).FullName}; a custom one is already registered for that type.");
        }

        services.TryAddSingleton(static provider => new OptionsValidationRejections(
            provider.GetService<ILogger<OptionsValidationRejections>>() ?? NullLogger<OptionsValidationRejections>.Instance,
            provider.GetService<IMeterFactory>(),
            provider.GetService<TimeProvider>() ?? TimeProvider.System));
        services.AddSingleton(static provider => new LastValidOptions<TOptions>(
            provider.GetServices<KeepLastValidOnReloadName<TOptions>>(),
            provider.GetRequiredService<OptionsValidationRejections>()));

        // Snapshots and IOptions<T> fall back silently, preferably to the monitor's value: they build per scope (or
        // once), the monitor once per reload, so the monitor alone reports each rejected reload exactly once.
        services.AddTransient<IOptionsFactory<TOptions>>(static provider =>
        {
            var lastValid = provider.GetRequiredService<LastValidOptions<TOptions>>();
            return new KeepLastValidOptionsFactory<TOptions>(CreateFrameworkFactory<TOptions>(provider), lastValid, lastValid.SnapshotValues, lastValid.MonitorValues, reports: false);
        });
        services.AddSingleton<IOptionsMonitor<TOptions>>(static provider =>
        {
            var lastValid = provider.GetRequiredService<LastValidOptions<TOptions>>();
            return new KeepLastValidOptionsMonitor<TOptions>(
                new KeepLastValidOptionsFactory<TOptions>(CreateFrameworkFactory<TOptions>(provider), lastValid, lastValid.MonitorValues, preferred: null, reports: true),
                provider.GetRequiredService<IOptionsMonitorCache<TOptions>>(),
                provider.GetServices<IOptionsChangeTokenSource<TOptions>>());
        });
        return optionsBuilder;
    }

    private static OptionsFactory<TOptions> CreateFrameworkFactory<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>(
        IServiceProvider provider)
        where TOptions : class =>
        new(
            provider.GetServices<IConfigureOptions<TOptions>>(),
            provider.GetServices<IPostConfigureOptions<TOptions>>(),
            provider.GetServices<IValidateOptions<TOptions>>());
}
