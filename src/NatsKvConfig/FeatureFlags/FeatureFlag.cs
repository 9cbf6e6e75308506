using System.Collections.Frozen;

namespace NatsKvConfig;

/// <summary>One flag as read from configuration: immutable, so any number of threads may ask it at once.</summary>
internal sealed class FeatureFlag
{
    private readonly byte[] _hashPrefix;

    public FeatureFlag(string name, bool enabled, int rolloutBasisPoints, FrozenSet<string> allowedUsers)
    {
        Name = name;
        Enabled = enabled;
        RolloutBasisPoints = rolloutBasisPoints;
        AllowedUsers = allowedUsers;
        _hashPrefix = RolloutHash.Prefix(name);
    }

    private FeatureFlag(string name, FeatureFlagProblem problem)
        : this(name, enabled: false, rolloutBasisPoints: 0, FrozenSet<string>.Empty) => Problem = problem;

    /// <summary>The flag's name, as the configuration spells it.</summary>
    public string Name { get; }

    public bool Enabled { get; }

    /// <summary>The rollout in hundredths of a percent: 0 to 10,000.</summary>
    public int RolloutBasisPoints { get; }

    /// <summary>Users who have the feature whatever the rollout (ordinal comparison).</summary>
    public FrozenSet<string> AllowedUsers { get; }

    /// <summary>Why the flag could not be read, which makes it off; <see cref="FeatureFlagProblem.None"/> when it reads fine.</summary>
    public FeatureFlagProblem Problem { get; }

    public static FeatureFlag Malformed(string name, FeatureFlagProblem problem) => new(name, problem);

    public bool IsEnabledFor(string? userId)
    {
        if (!Enabled)
        {
            return false;
        }

        if (RolloutBasisPoints >= RolloutHash.BucketCount)
        {
            return true;
        }

        if (string.IsNullOrEmpty(userId))
        {
            return false;
        }

        if (AllowedUsers.Contains(userId))
        {
            return true;
        }

        return RolloutBasisPoints > 0 && RolloutHash.Bucket(_hashPrefix, userId) < RolloutBasisPoints;
    }
}
