namespace NatsKvConfig;

/// <summary>The last time options of one type and name failed validation on reload.</summary>
/// <param name="OptionsType">The options type.</param>
/// <param name="OptionsName">The options name (empty for the default).</param>
/// <param name="RejectedAt">When the reload was rejected.</param>
/// <param name="Failures">The validation failure messages.</param>
/// <param name="KeptLastValid">Whether a last valid value was kept (false: there was none, readers get the exception).</param>
/// <param name="SupersededAt">When a later valid value replaced the kept one; null while the rejection still stands.</param>
internal sealed record OptionsValidationRejection(
    Type OptionsType,
    string OptionsName,
    DateTimeOffset RejectedAt,
    IReadOnlyList<string> Failures,
    bool KeptLastValid,
    DateTimeOffset? SupersededAt = null);
