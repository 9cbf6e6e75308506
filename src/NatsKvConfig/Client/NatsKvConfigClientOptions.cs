namespace NatsKvConfig;

/// <summary>Which bucket a <see cref="NatsKvConfigClient"/> writes, and how.</summary>
/// <remarks>
/// The bucket, the server and the keys are set as for the provider (<see cref="NatsKvSettings"/>): give the client
/// the <see cref="NatsKvSettings.KeyPrefix"/>, <see cref="NatsKvSettings.SentinelKey"/> and JSON settings of the
/// apps reading the bucket. What is here is the client's own.
/// </remarks>
public sealed class NatsKvConfigClientOptions : NatsKvSettings
{
    /// <summary>The default of <see cref="MaxConcurrentWrites"/>.</summary>
    public const int DefaultMaxConcurrentWrites = 16;

    /// <summary>How many writes an import, section write or rollback keeps in flight at once. Defaults to 16.</summary>
    public int MaxConcurrentWrites { get; set; } = DefaultMaxConcurrentWrites;

    /// <summary>Checks the shared settings, then the client's own, and says which one is wrong.</summary>
    /// <param name="paramName">The caller's parameter that carried these settings, for <c>ParamName</c>.</param>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it.</exception>
    internal override void Validate(string paramName)
    {
        base.Validate(paramName);

        if (MaxConcurrentWrites is < 1 or > 1024)
        {
            throw new ArgumentException($"{nameof(MaxConcurrentWrites)} must be between 1 and 1024; it is {MaxConcurrentWrites}.", paramName);
        }
    }
}
