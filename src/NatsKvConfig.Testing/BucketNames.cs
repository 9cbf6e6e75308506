namespace NatsKvConfig.Testing;

/// <summary>Names for KV buckets that no other test, in this process or another, uses at the same time.</summary>
public static class BucketNames
{
    private const int RandomHexLength = 16;

    /// <summary>
    /// Returns <paramref name="prefix"/> followed by '_' and 16 random hex digits, e.g. <c>test_3f9a0c12d4b7e865</c>.
    /// The randomness comes from a new GUID, so names are unique across processes without shared state.
    /// </summary>
    /// <param name="prefix">Says what the bucket is for; letters, digits, '_' and '-' only.</param>
    /// <returns>A valid KV bucket name.</returns>
    /// <exception cref="ArgumentException">The prefix is empty or has a character a bucket name may not contain.</exception>
    public static string Unique(string prefix = "test")
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        if (!IsValidToken(prefix))
        {
            throw new ArgumentException($"The bucket name prefix '{prefix}' may only contain letters, digits, '_' and '-'.", nameof(prefix));
        }

        // Version-4 GUIDs are random apart from one nibble at index 12, so 16 hex digits carry 60 random bits.
        return string.Concat(prefix, "_", Guid.NewGuid().ToString("N").AsSpan(0, RandomHexLength));
    }

    internal static bool IsValidToken(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
}
