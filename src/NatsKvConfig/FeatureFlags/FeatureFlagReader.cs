using System.Collections.Frozen;
using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace NatsKvConfig;

/// <summary>
/// Reads one flag from its configuration section, whether the provider expanded its JSON value into child paths
/// (<c>features:beta:enabled</c>, <c>features:beta:allowed_users:0</c>, …), it was written as flat keys, or it
/// arrives as one plain JSON string because <c>ExpandJsonValues</c> is off.
/// </summary>
/// <remarks>
/// A plain string is expanded by the same <see cref="JsonValueExpander"/> the provider uses, within the default
/// <see cref="JsonExpansionLimits"/>, so a flag means the same thing either way; one over them is malformed.
/// </remarks>
internal static class FeatureFlagReader
{
    private const string EnabledKey = "enabled";
    private const string RolloutKey = "rollout";
    private const string AllowedUsersKey = "allowed_users";

    public static FeatureFlag Read(IConfigurationSection section)
    {
        var name = section.Key;
        if (HasChildren(section))
        {
            return ReadObject(name, section);
        }

        var value = section.Value;
        if (value is null)
        {
            return FeatureFlag.Malformed(name, FeatureFlagProblem.Empty);
        }

        if (bool.TryParse(value, out var enabled))
        {
            // Shorthand: "features.beta = true" is on for everyone, "false" off.
            return new FeatureFlag(name, enabled, RolloutHash.BucketCount, FrozenSet<string>.Empty);
        }

        if (!value.AsSpan().TrimStart().StartsWith("{", StringComparison.Ordinal))
        {
            return FeatureFlag.Malformed(name, FeatureFlagProblem.NotAnObject);
        }

        var expanded = new List<KeyValuePair<string, string?>>();
        if (JsonValueExpander.Expand(name, value, JsonExpansionLimits.Default, expanded) != JsonExpansionOutcome.Expanded)
        {
            return FeatureFlag.Malformed(name, FeatureFlagProblem.InvalidJson);
        }

        var parsed = new ConfigurationBuilder().AddInMemoryCollection(expanded).Build().GetSection(name);
        return HasChildren(parsed) ? ReadObject(name, parsed) : FeatureFlag.Malformed(name, FeatureFlagProblem.Empty);
    }

    private static FeatureFlag ReadObject(string name, IConfigurationSection section)
    {
        var enabledSection = section.GetSection(EnabledKey);
        if (enabledSection.Value is null)
        {
            return FeatureFlag.Malformed(name, HasChildren(enabledSection) ? FeatureFlagProblem.EnabledNotBoolean : FeatureFlagProblem.EnabledMissing);
        }

        if (!bool.TryParse(enabledSection.Value, out var enabled))
        {
            return FeatureFlag.Malformed(name, FeatureFlagProblem.EnabledNotBoolean);
        }

        if (!TryReadRollout(section.GetSection(RolloutKey), out var rollout))
        {
            return FeatureFlag.Malformed(name, FeatureFlagProblem.RolloutInvalid);
        }

        var problem = TryReadUsers(section.GetSection(AllowedUsersKey), out var allowedUsers);
        return problem == FeatureFlagProblem.None
            ? new FeatureFlag(name, enabled, rollout, allowedUsers)
            : FeatureFlag.Malformed(name, problem);
    }

    /// <summary>A missing (or null) rollout is 100 %; otherwise a number from 0 to 100 with at most two decimals.</summary>
    private static bool TryReadRollout(IConfigurationSection section, out int basisPoints)
    {
        basisPoints = RolloutHash.BucketCount;
        if (section.Value is null)
        {
            return !HasChildren(section);
        }

        if (!decimal.TryParse(section.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var percent)
            || percent < 0 || percent > 100)
        {
            return false;
        }

        var hundredths = percent * 100;
        if (hundredths != decimal.Truncate(hundredths))
        {
            return false;
        }

        basisPoints = (int)hundredths;
        return true;
    }

    /// <summary>A missing, null or empty list is no users; a list must hold strings only.</summary>
    private static FeatureFlagProblem TryReadUsers(IConfigurationSection section, out FrozenSet<string> users)
    {
        users = FrozenSet<string>.Empty;
        var items = section.GetChildren().ToList();
        if (items.Count == 0)
        {
            // An empty JSON list expands to "" (as AddJsonFile reads it); a plain string is not a list.
            return string.IsNullOrEmpty(section.Value) ? FeatureFlagProblem.None : FeatureFlagProblem.AllowedUsersNotAList;
        }

        var names = new List<string>(items.Count);
        foreach (var item in items)
        {
            if (!int.TryParse(item.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                return FeatureFlagProblem.AllowedUsersNotAList; // an object's properties, not list items
            }

            if (item.Value is null || HasChildren(item))
            {
                return FeatureFlagProblem.AllowedUserNotAString;
            }

            names.Add(item.Value);
        }

        users = names.ToFrozenSet(StringComparer.Ordinal);
        return FeatureFlagProblem.None;
    }

    private static bool HasChildren(IConfigurationSection section) => section.GetChildren().Any();
}
