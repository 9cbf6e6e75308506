using System.Globalization;

namespace NatsKvConfig;

/// <summary>
/// A setting an existing bucket has other than the one asked for: <see cref="NatsKvConfigClient.EnsureBucketAsync"/>
/// leaves the bucket as it is and reports each in <see cref="NatsKvBucketInfo.Differences"/>.
/// </summary>
public sealed class NatsKvBucketSettingDifference
{
    private const string None = "none";

    internal NatsKvBucketSettingDifference(string setting, string requested, string actual)
    {
        Setting = setting;
        Requested = requested;
        Actual = actual;
    }

    /// <summary>
    /// The setting, named as the property of <see cref="NatsKvBucketSettings"/>: <c>History</c>, <c>MaxAge</c>,
    /// <c>Replicas</c>, <c>MaxBytes</c>, <c>Storage</c>, <c>MirrorOf</c>, <c>MirrorDomain</c> or <c>Description</c>.
    /// </summary>
    public string Setting { get; }

    /// <summary>
    /// The value asked for, for display: a number (history, replicas, bytes), a duration as <c>[d.]hh:mm:ss</c> or
    /// <c>none</c> (max age), <c>unlimited</c> (max bytes), <c>file</c> or <c>memory</c> (storage), a name or
    /// <c>none</c> (mirror), the text or <c>none</c> (description).
    /// </summary>
    public string Requested { get; }

    /// <summary>The value the bucket has, in the same form as <see cref="Requested"/>.</summary>
    public string Actual { get; }

    /// <summary>Text such as <c>History: 20, not 10</c>.</summary>
    /// <returns>The setting, the bucket's value and the one asked for.</returns>
    public override string ToString() => $"{Setting}: {Actual}, not {Requested}";

    /// <summary>The settings <paramref name="requested"/> sets that <paramref name="actual"/> has otherwise; the description only when one is given.</summary>
    internal static List<NatsKvBucketSettingDifference> Between(NatsKvBucketSettings requested, NatsKvBucketInfo actual)
    {
        var differences = new List<NatsKvBucketSettingDifference>();
        Add(nameof(NatsKvBucketSettings.History), requested.History == actual.History, Number(requested.History), Number(actual.History));
        Add(nameof(NatsKvBucketSettings.MaxAge), requested.MaxAge == actual.MaxAge, Duration(requested.MaxAge), Duration(actual.MaxAge));
        Add(nameof(NatsKvBucketSettings.Replicas), requested.Replicas == actual.Replicas, Number(requested.Replicas), Number(actual.Replicas));
        Add(nameof(NatsKvBucketSettings.MaxBytes), Bytes(requested.MaxBytes) == Bytes(actual.MaxBytes), Bytes(requested.MaxBytes), Bytes(actual.MaxBytes));
        Add(nameof(NatsKvBucketSettings.Storage), requested.Storage == actual.Storage, Storage(requested.Storage), Storage(actual.Storage));
        Add(nameof(NatsKvBucketSettings.MirrorOf), string.Equals(requested.MirrorOf, actual.MirrorOf, StringComparison.Ordinal), requested.MirrorOf ?? None, actual.MirrorOf ?? None);
        Add(nameof(NatsKvBucketSettings.MirrorDomain), string.Equals(requested.MirrorDomain, actual.MirrorDomain, StringComparison.Ordinal), requested.MirrorDomain ?? None, actual.MirrorDomain ?? None);
        if (requested.Description is { } description)
        {
            Add(nameof(NatsKvBucketSettings.Description), string.Equals(description, actual.Description ?? string.Empty, StringComparison.Ordinal), description, actual.Description ?? None);
        }

        return differences;

        void Add(string setting, bool same, string requestedText, string actualText)
        {
            if (!same)
            {
                differences.Add(new NatsKvBucketSettingDifference(setting, requestedText, actualText));
            }
        }
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Duration(TimeSpan value) => value <= TimeSpan.Zero ? None : value.ToString("c", CultureInfo.InvariantCulture);

    // The server reports "no limit" as -1 (and some versions as 0).
    private static string Bytes(long value) => value <= 0 ? "unlimited" : Number(value);

    private static string Storage(NatsKvBucketStorage storage) => storage == NatsKvBucketStorage.Memory ? "memory" : "file";
}
