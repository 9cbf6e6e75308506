namespace NatsKvConfig;

/// <summary>How configuration values are stored as KV values, so that the provider reads them back the same.</summary>
internal static class StoredValues
{
    /// <summary>
    /// What a null configuration value (JSON <c>null</c> or <c>{}</c> in a document) is stored as: an empty JSON
    /// object, which the provider expands to the path with a null value, as <c>AddJsonFile</c> reads <c>{}</c>.
    /// A KV value cannot be null, and an empty one reads as <c>""</c>.
    /// </summary>
    public const string NullValue = "{}";

    public static string ToStored(string? value) => value ?? NullValue;
}
