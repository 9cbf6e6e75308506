namespace NatsKvConfig;

/// <summary>
/// How much one JSON value may expand into configuration: a value over any limit is not expanded but kept as one
/// plain string, with a warning naming the key, its revision and the limit. The defaults pass every real
/// <c>appsettings.json</c> section by a wide margin and keep one value's cost to a few megabytes, whatever it holds.
/// </summary>
/// <remarks>
/// Set on <see cref="NatsKvSettings.JsonExpansionLimits"/>: the same limits on the source for apps and on the client
/// options for tools, so that what the tools show is what apps get. Lengths count UTF-16 characters, as .NET strings do.
/// </remarks>
public sealed record JsonExpansionLimits
{
    /// <summary>The default of <see cref="MaxPaths"/>.</summary>
    public const int DefaultMaxPaths = 10_000;

    /// <summary>The default of <see cref="MaxPathLength"/>.</summary>
    public const int DefaultMaxPathLength = 1_024;

    /// <summary>The default of <see cref="MaxTotalLength"/>.</summary>
    public const int DefaultMaxTotalLength = 1_048_576;

    /// <summary>The default of <see cref="MaxExpansionRatio"/>.</summary>
    public const int DefaultMaxExpansionRatio = 16;

    /// <summary>
    /// How many characters a value may expand into below its key whatever its own length: small values are never
    /// refused for <see cref="MaxExpansionRatio"/>, since a few short names under a long section name give a high
    /// ratio at no real cost.
    /// </summary>
    public const int RatioFreeLength = 65_536;

    private readonly int _maxPaths = DefaultMaxPaths;
    private readonly int _maxPathLength = DefaultMaxPathLength;
    private readonly int _maxTotalLength = DefaultMaxTotalLength;
    private readonly int _maxExpansionRatio = DefaultMaxExpansionRatio;

    /// <summary>The defaults: 10,000 paths, 1,024 characters per path, 1,048,576 characters in all, 16 times the value's length.</summary>
    public static JsonExpansionLimits Default { get; } = new();

    /// <summary>
    /// How many configuration paths one value may produce: its leaves, empty objects and arrays included.
    /// Defaults to 10,000.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public int MaxPaths
    {
        get => _maxPaths;
        init => _maxPaths = Positive(value, nameof(MaxPaths));
    }

    /// <summary>
    /// How long one path the value produces may be, its key's own path included (<c>database:replicas:0:host</c>
    /// is 24). Defaults to 1,024.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public int MaxPathLength
    {
        get => _maxPathLength;
        init => _maxPathLength = Positive(value, nameof(MaxPathLength));
    }

    /// <summary>
    /// How many characters the value may expand into in all: every path it produces (sections included) and every
    /// value. Defaults to 1,048,576 (about 2 MB of strings).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public int MaxTotalLength
    {
        get => _maxTotalLength;
        init => _maxTotalLength = Positive(value, nameof(MaxTotalLength));
    }

    /// <summary>
    /// How many times its own length a value may expand into below its key: the characters of its paths past the
    /// key's own path (sections included) and of its values. Ordinary JSON stays under 4; only names repeated on
    /// many children (a long section name over an array of small numbers) go higher. Expansions of at most
    /// <see cref="RatioFreeLength"/> characters are never refused for it. Defaults to 16.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public int MaxExpansionRatio
    {
        get => _maxExpansionRatio;
        init => _maxExpansionRatio = Positive(value, nameof(MaxExpansionRatio));
    }

    /// <summary>Names the limit that refused an expansion, with its value, as warnings and errors show it.</summary>
    internal string Describe(JsonExpansionOutcome outcome) => outcome switch
    {
        JsonExpansionOutcome.OverMaxPaths => $"{nameof(MaxPaths)} = {MaxPaths}",
        JsonExpansionOutcome.OverMaxPathLength => $"{nameof(MaxPathLength)} = {MaxPathLength}",
        JsonExpansionOutcome.OverMaxTotalLength => $"{nameof(MaxTotalLength)} = {MaxTotalLength}",
        JsonExpansionOutcome.OverMaxExpansionRatio => $"{nameof(MaxExpansionRatio)} = {MaxExpansionRatio}",
        _ => outcome.ToString(),
    };

    // Thrown from an init accessor, whose parameter is "value" (as the framework's setters do); the message names the limit.
    private static int Positive(int value, string name) =>
        value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, $"{name} must be positive; it is {value}.");
}
