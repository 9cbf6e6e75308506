namespace NatsKvConfig;

/// <summary>The last time options of one type and name were rejected on reload (failed validation, or could not be bound).</summary>
/// <param name="OptionsType">The options type.</param>
/// <param name="OptionsName">The options name (empty for the default).</param>
/// <param name="RejectedAt">When the reload was rejected (the first time, while the same rejection stands).</param>
/// <param name="Kind">Whether validation or binding rejected it.</param>
/// <param name="Failures">
/// The validation failure messages, or the binding failure's description (path and target type): never a value.
/// </param>
/// <param name="KeptLastValid">Whether a last valid value was kept (false: there was none, readers get the exception).</param>
/// <param name="SupersededAt">When a later valid value replaced the kept one; null while the rejection still stands.</param>
internal sealed record OptionsValidationRejection(
    Type OptionsType,
    string OptionsName,
    DateTimeOffset RejectedAt,
    OptionsRejectionKind Kind,
    IReadOnlyList<string> Failures,
    bool KeptLastValid,
    DateTimeOffset? SupersededAt = null)
{
    /// <summary>
    /// Whether this rejection still stands and says the same as <paramref name="other"/>: then a rebuild that fails
    /// again (an unrelated reload, say) is the same rejection, not a new one to log and count.
    /// </summary>
    public bool StandsAs(OptionsValidationRejection other) =>
        SupersededAt is null
        && other.SupersededAt is null
        && Kind == other.Kind
        && KeptLastValid == other.KeptLastValid
        && Failures.SequenceEqual(other.Failures, StringComparer.Ordinal);
}
