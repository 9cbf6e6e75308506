using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;

namespace NatsKvConfig;

/// <summary>
/// Builds options with the framework's factory and, for names that keep their last valid value, answers a
/// validation or binding failure with that value instead of the exception once there is one.
/// </summary>
/// <param name="inner">The framework's factory.</param>
/// <param name="lastValid">Which names keep their last valid value, and where rejections are reported.</param>
/// <param name="values">Where this factory records the last valid value per name.</param>
/// <param name="preferred">Valid values to fall back on before this factory's own (the monitor's, for snapshots).</param>
/// <param name="reports">
/// Whether to report rejections and valid values (the monitor's factory): the monitor builds once per reload,
/// snapshots once per scope, so only the monitor's builds say one thing per reload.
/// </param>
/// <typeparam name="TOptions">The options type.</typeparam>
internal sealed class KeepLastValidOptionsFactory<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>(
    IOptionsFactory<TOptions> inner,
    LastValidOptions<TOptions> lastValid,
    ConcurrentDictionary<string, TOptions> values,
    ConcurrentDictionary<string, TOptions>? preferred,
    bool reports) : IOptionsFactory<TOptions>
    where TOptions : class
{
    public LastValidOptions<TOptions> LastValid => lastValid;

    public bool TryGetLastValid(string name, [MaybeNullWhen(false)] out TOptions options) => values.TryGetValue(name, out options);

    public TOptions Create(string name)
    {
        if (!lastValid.AppliesTo(name))
        {
            return inner.Create(name);
        }

        TOptions options;
        try
        {
            options = inner.Create(name);
        }
        catch (OptionsValidationException exception) when (TryGetKept(name, out var kept))
        {
            if (reports)
            {
                lastValid.Rejections.Rejected(typeof(TOptions), name, exception.Failures, keptLastValid: true);
            }

            return kept;
        }
        catch (InvalidOperationException exception) when (OptionsBindingFailure.IsBindingFailure(exception) && TryGetKept(name, out var kept))
        {
            // A value the binder cannot convert ("80 80" for an int) is kept out exactly like a validation failure.
            if (reports)
            {
                lastValid.Rejections.BindingRejected(typeof(TOptions), name, OptionsBindingFailure.From(exception), keptLastValid: true);
            }

            return kept;
        }

        values[name] = options;
        if (reports)
        {
            lastValid.Rejections.Accepted(typeof(TOptions), name);
        }

        return options;
    }

    private bool TryGetKept(string name, [MaybeNullWhen(false)] out TOptions kept) =>
        (preferred is not null && preferred.TryGetValue(name, out kept)) || values.TryGetValue(name, out kept);
}
