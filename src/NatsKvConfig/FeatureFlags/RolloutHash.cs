using System.Buffers;
using System.IO.Hashing;
using System.Text;

namespace NatsKvConfig;

/// <summary>
/// The stable rollout bucket of a (flag, user) pair, reproducible in any language (docs/feature-flags.md):
/// <c>XXH64(lower_ascii(flag) + "\n" + userId, seed 0) mod 10000</c> over the UTF-8 bytes, and a user is in a
/// rollout of <c>r</c> percent when the bucket is below <c>r × 100</c>.
/// </summary>
/// <remarks>
/// Unlike <see cref="string.GetHashCode()"/>, which is randomised per process, this is the same on every machine,
/// runtime and restart. The flag name in the hashed bytes makes flags independent of each other; comparing one
/// bucket with a growing threshold makes rollouts monotonic (a user in at 20 stays in at 50).
/// </remarks>
internal static class RolloutHash
{
    /// <summary>Buckets per flag: rollouts have a resolution of 0.01 percent.</summary>
    public const int BucketCount = 10_000;

    /// <summary>Bytes that <see cref="Bucket(ReadOnlySpan{byte}, string)"/> encodes on the stack before renting.</summary>
    private const int StackBytes = 512;

    /// <summary>The bytes every key of <paramref name="feature"/> starts with: its UTF-8, ASCII letters lowered, then <c>\n</c>.</summary>
    public static byte[] Prefix(string feature)
    {
        ArgumentNullException.ThrowIfNull(feature);
        var prefix = new byte[Encoding.UTF8.GetByteCount(feature) + 1];
        Encoding.UTF8.GetBytes(feature, prefix);

        // Lowering bytes A-Z is lowering the string's ASCII letters: UTF-8 never uses ASCII bytes inside other characters.
        for (var i = 0; i < prefix.Length - 1; i++)
        {
            if (prefix[i] is >= (byte)'A' and <= (byte)'Z')
            {
                prefix[i] += 'a' - 'A';
            }
        }

        prefix[^1] = (byte)'\n';
        return prefix;
    }

    /// <summary>The bucket, 0 to 9999, of <paramref name="userId"/> in the flag whose <see cref="Prefix"/> is <paramref name="prefix"/>.</summary>
    public static int Bucket(ReadOnlySpan<byte> prefix, string userId)
    {
        var maxLength = prefix.Length + Encoding.UTF8.GetMaxByteCount(userId.Length);
        byte[]? rented = null;
        var buffer = maxLength <= StackBytes ? stackalloc byte[StackBytes] : (rented = ArrayPool<byte>.Shared.Rent(maxLength));
        try
        {
            prefix.CopyTo(buffer);

            // A lone surrogate in the user id is encoded as U+FFFD (EF BF BD), as every UTF-8 encoder of .NET does.
            var length = prefix.Length + Encoding.UTF8.GetBytes(userId, buffer[prefix.Length..]);
            return (int)(XxHash64.HashToUInt64(buffer[..length]) % BucketCount);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>The bucket, 0 to 9999, of <paramref name="userId"/> in <paramref name="feature"/>.</summary>
    public static int Bucket(string feature, string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        return Bucket(Prefix(feature), userId);
    }
}
