namespace NatsKvConfig;

/// <summary>One name of <typeparamref name="TOptions"/> opted in to keeping its last valid value, registered per call.</summary>
/// <typeparam name="TOptions">The options type.</typeparam>
/// <param name="Name">The options name.</param>
internal sealed record KeepLastValidOnReloadName<TOptions>(string Name)
    where TOptions : class;
