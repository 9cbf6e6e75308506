namespace NatsKvConfig;

/// <summary>
/// The settings <see cref="NatsKvConfigClient.EnsureBucketAsync"/> creates a bucket with (or compares an existing one
/// with, changing nothing), and <see cref="NatsKvConfigClient.UpdateBucketAsync"/> changes an existing one to.
/// </summary>
public sealed class NatsKvBucketSettings
{
    /// <summary>The most history a bucket can keep per key (a NATS limit).</summary>
    public const int MaxHistory = 64;

    /// <summary>
    /// How many values each key keeps, the current one included: 1 to <see cref="MaxHistory"/>. Rollbacks can
    /// reach back only this far. Defaults to 10 (NATS's own default is 1, which allows no rollback).
    /// </summary>
    public int History { get; set; } = 10;

    /// <summary>
    /// How long an entry is kept before it expires (the bucket's TTL, NATS <c>max_age</c>), or
    /// <see cref="TimeSpan.Zero"/> (the default) to keep entries until they are replaced. Expired keys disappear
    /// from configuration and cannot be rolled back.
    /// </summary>
    public TimeSpan MaxAge { get; set; }

    /// <summary>How many servers of a cluster keep a copy: 1 to 5. Defaults to 1; a single server allows only 1.</summary>
    public int Replicas { get; set; } = 1;

    /// <summary>How large the bucket may grow in bytes, or -1 (the default) for no limit.</summary>
    public long MaxBytes { get; set; } = -1;

    /// <summary>
    /// File (the default) or memory storage. An existing bucket's storage cannot be changed: the server refuses
    /// <see cref="NatsKvConfigClient.UpdateBucketAsync"/>.
    /// </summary>
    public NatsKvBucketStorage Storage { get; set; } = NatsKvBucketStorage.File;

    /// <summary>A description shown by NATS tools, or <see langword="null"/>.</summary>
    public string? Description { get; set; }

    /// <summary>
    /// Makes the bucket a mirror of this bucket in JetStream domain <see cref="MirrorDomain"/>: an edge site's
    /// read-only copy, on a leaf node, of the hub's bucket. Apps read the mirror locally (and keep reading it while the
    /// hub is unreachable); <see cref="NatsKvConfigClient"/> writes through to the origin. A mirror has its origin's
    /// name, so this is the bucket's own name; <see langword="null"/> (the default) for an ordinary bucket.
    /// </summary>
    /// <remarks>
    /// The history and limits apply to the mirror's copy. An existing bucket cannot be turned into a mirror, or a
    /// mirror into an ordinary bucket: <see cref="NatsKvConfigClient.EnsureBucketAsync"/> reports the difference and
    /// leaves the bucket as it is, and the server refuses <see cref="NatsKvConfigClient.UpdateBucketAsync"/>
    /// (<see cref="NatsKvBucketSettingsException"/>).
    /// </remarks>
    public string? MirrorOf { get; set; }

    /// <summary>
    /// The JetStream domain of the bucket <see cref="MirrorOf"/> names, such as <c>hub</c>: the mirror reaches it
    /// through the API prefix <c>$JS.&lt;domain&gt;.API</c>. Required with <see cref="MirrorOf"/>.
    /// </summary>
    public string? MirrorDomain { get; set; }

    /// <summary>Checks every setting and says which is wrong and why.</summary>
    /// <param name="paramName">The caller's parameter holding these settings: the exception names it, the message the setting.</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of its range; the message names it.</exception>
    internal void Validate(string paramName)
    {
        if (History is < 1 or > MaxHistory)
        {
            throw new ArgumentOutOfRangeException(paramName, History, $"{nameof(History)} must be between 1 and {MaxHistory} values per key; it is {History}.");
        }

        if (MaxAge < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(paramName, MaxAge, $"{nameof(MaxAge)} cannot be negative; it is {MaxAge}. Use TimeSpan.Zero to keep entries until they are replaced.");
        }

        if (MaxAge > TimeSpan.Zero && MaxAge < TimeSpan.FromMilliseconds(100))
        {
            throw new ArgumentOutOfRangeException(paramName, MaxAge, $"{nameof(MaxAge)} must be at least 100 ms (NATS refuses shorter ones); it is {MaxAge}.");
        }

        if (Replicas is < 1 or > 5)
        {
            throw new ArgumentOutOfRangeException(paramName, Replicas, $"{nameof(Replicas)} must be between 1 and 5; it is {Replicas}.");
        }

        if (MaxBytes is 0 or < -1)
        {
            throw new ArgumentOutOfRangeException(paramName, MaxBytes, $"{nameof(MaxBytes)} must be positive, or -1 for no limit; it is {MaxBytes}.");
        }

        if (MirrorOf is not null && !NatsKvSettings.IsValidBucketName(MirrorOf))
        {
            throw new ArgumentException($"{nameof(MirrorOf)}: {NatsKvSettings.InvalidBucketNameMessage(MirrorOf)}", paramName);
        }

        if ((MirrorOf is null) != (MirrorDomain is null))
        {
            throw new ArgumentException($"{nameof(MirrorOf)} and {nameof(MirrorDomain)} go together: a mirror copies a bucket of another JetStream domain.", paramName);
        }

        if (MirrorDomain is not null && !IsDomainName(MirrorDomain))
        {
            throw new ArgumentException($"{nameof(MirrorDomain)} '{MirrorDomain}' is not a JetStream domain name: use only letters, digits, '-' and '_'.", paramName);
        }

        if (!Enum.IsDefined(Storage))
        {
            throw new ArgumentOutOfRangeException(paramName, Storage, $"{nameof(Storage)} must be File or Memory; it is {(int)Storage}.");
        }
    }

    // A domain is one token of an API subject ($JS.<domain>.API).
    private static bool IsDomainName(string domain) =>
        domain.Length > 0 && domain.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
