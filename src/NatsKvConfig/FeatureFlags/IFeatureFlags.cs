namespace NatsKvConfig;

/// <summary>
/// Answers whether a feature is on, for everyone or for one user, from flags kept in configuration (by default the
/// <c>features</c> section, one key per flag). Register it with <c>services.AddNatsKvFeatureFlags()</c>.
/// </summary>
/// <remarks>
/// <para>
/// A flag is a JSON object such as <c>{"enabled": true, "rollout": 50, "allowed_users": ["admin"]}</c>, stored in
/// NATS KV under <c>features.&lt;name&gt;</c>. It changes live with the configuration: no restart and no watch of
/// its own. Implementations are thread-safe and cheap enough to call on every request.
/// </para>
/// <para>
/// Rules, in order: an unknown or malformed flag is off (and logged once); a disabled flag is off; a user listed in
/// <c>allowed_users</c> is on; a flag at rollout 100 (the default) is on for everyone; without a user id it is off;
/// otherwise the user is on when their stable rollout bucket of this flag is below the rollout percentage. The exact
/// hash is documented in docs/feature-flags.md, so other languages can reproduce the same buckets.
/// </para>
/// </remarks>
public interface IFeatureFlags
{
    /// <summary>Tells whether <paramref name="feature"/> is on, for <paramref name="userId"/> when one is given.</summary>
    /// <param name="feature">The flag's name: its key under the flags section, compared case-insensitively.</param>
    /// <param name="userId">The user to decide for (compared case-sensitively); <see langword="null"/> or empty for none.</param>
    /// <returns><see langword="true"/> when the feature is on; <see langword="false"/> when it is off, unknown or malformed.</returns>
    bool IsEnabled(string feature, string? userId = null);
}
