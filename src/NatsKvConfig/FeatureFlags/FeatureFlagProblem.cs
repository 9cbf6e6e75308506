namespace NatsKvConfig;

/// <summary>Why a flag cannot be read. Each is logged (by flag name, never by value) and turns the flag off.</summary>
internal enum FeatureFlagProblem
{
    /// <summary>The flag reads fine.</summary>
    None,

    /// <summary>The flag's key holds nothing: an empty object, or null.</summary>
    Empty,

    /// <summary>A plain string value that is neither a JSON object nor <c>true</c> / <c>false</c>.</summary>
    NotAnObject,

    /// <summary>A plain string value that starts like a JSON object but does not parse.</summary>
    InvalidJson,

    /// <summary><c>enabled</c> is missing.</summary>
    EnabledMissing,

    /// <summary><c>enabled</c> is not <c>true</c> or <c>false</c>.</summary>
    EnabledNotBoolean,

    /// <summary><c>rollout</c> is not a number from 0 to 100 with at most two decimals.</summary>
    RolloutInvalid,

    /// <summary><c>allowed_users</c> is not a list.</summary>
    AllowedUsersNotAList,

    /// <summary>An item of <c>allowed_users</c> is not a string (an object, a list or null).</summary>
    AllowedUserNotAString,
}

/// <summary>The words a log line uses for each <see cref="FeatureFlagProblem"/>: fixed text, never the value.</summary>
internal static class FeatureFlagProblems
{
    public static string Describe(FeatureFlagProblem problem) => problem switch
    {
        FeatureFlagProblem.Empty => "it holds no settings",
        FeatureFlagProblem.NotAnObject => "its value is neither a JSON object nor true or false",
        FeatureFlagProblem.InvalidJson => "its value is not valid JSON",
        FeatureFlagProblem.EnabledMissing => "'enabled' is missing",
        FeatureFlagProblem.EnabledNotBoolean => "'enabled' is not true or false",
        FeatureFlagProblem.RolloutInvalid => "'rollout' is not a number from 0 to 100 with at most two decimals",
        FeatureFlagProblem.AllowedUsersNotAList => "'allowed_users' is not a list",
        FeatureFlagProblem.AllowedUserNotAString => "an item of 'allowed_users' is not a string",
        _ => "it reads fine",
    };
}
