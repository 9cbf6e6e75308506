using System.IO.Hashing;
using System.Text;

namespace NatsKvConfig.Tests.FeatureFlags;

public class RolloutHashTests
{
    /// <summary>
    /// Fixed vectors, computed once with the reference xxHash tool (<c>printf '%s\n%s' flag user | xxhsum -H1</c>,
    /// xxHash 0.8.1) and listed in docs/feature-flags.md: any port of the hash must give these.
    /// </summary>
    public static TheoryData<string, string, ulong, int> Vectors => new()
    {
        { "beta", "user-1", 0x9ee3be687fe041b6, 2342 },
        { "beta", "user-2", 0xa65a22398b89d732, 3218 },
        { "beta", "admin", 0x468db54d72544edf, 5103 },
        { "new_checkout", "42", 0x2a0c1bf3450b993f, 2095 },
        { "dark_mode", "élodie@example.com", 0x31bba3bc4804eb62, 2626 },
        { "search_v2", "7f3c2a9e-0b1d-4e5f-9a8b-c6d7e8f90a1b", 0xec6b28f5b6446cf8, 9304 },
        { "long", new string('u', 300) + new string('é', 50), 0xf4e70c5d744a1462, 1698 }, // past the stack buffer
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Buckets_match_the_fixed_vectors(string flag, string user, ulong hash, int bucket)
    {
        Assert.Equal(hash, XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(flag + "\n" + user)));
        Assert.Equal((int)(hash % 10_000), bucket);
        Assert.Equal(bucket, RolloutHash.Bucket(flag, user));
    }

    [Fact]
    public void The_flag_name_is_hashed_with_its_ascii_letters_lowered_so_its_spelling_does_not_reshuffle_users()
    {
        Assert.Equal(2342, RolloutHash.Bucket("BETA", "user-1"));
        Assert.Equal(2342, RolloutHash.Bucket("Beta", "user-1"));
        Assert.Equal("beta\n"u8.ToArray(), RolloutHash.Prefix("BeTa"));
        Assert.Equal("\u00c9t\u00e9\n"u8.ToArray(), RolloutHash.Prefix("\u00c9T\u00e9")); // only A-Z are lowered
    }

    [Fact]
    public void User_ids_are_case_sensitive()
    {
        Assert.NotEqual(RolloutHash.Bucket("beta", "User-1"), RolloutHash.Bucket("beta", "user-1"));
    }

    [Fact]
    public void A_lone_surrogate_in_a_user_id_hashes_as_the_replacement_character()
    {
        Assert.Equal(RolloutHash.Bucket("beta", "a\uFFFDb"), RolloutHash.Bucket("beta", "a\uD800b"));
    }

    public static TheoryData<string> UserIdStyles => new() { "guid", "sequential", "email", "number" };

    [Theory]
    [MemberData(nameof(UserIdStyles))]
    public void Ten_thousand_user_ids_at_rollout_30_give_30_percent_give_or_take_2(string style)
    {
        var users = Users(style, 10_000, seed: 1);
        foreach (var flag in new[] { "beta", "new_checkout", "x" })
        {
            var prefix = RolloutHash.Prefix(flag);
            var share = users.Count(user => RolloutHash.Bucket(prefix, user) < 3_000) / (double)users.Count;
            Assert.InRange(share, 0.28, 0.32);
        }
    }

    [Fact]
    public void Buckets_are_uniform_over_the_whole_range()
    {
        var users = Users("guid", 100_000, seed: 2);
        var prefix = RolloutHash.Prefix("beta");
        var deciles = new int[10];
        foreach (var user in users)
        {
            deciles[RolloutHash.Bucket(prefix, user) / 1_000]++;
        }

        // Each tenth of the range holds 10 % of the users, give or take 0.5 % (about five standard deviations).
        Assert.All(deciles, count => Assert.InRange(count, 9_500, 10_500));
    }

    [Fact]
    public void Users_of_one_flag_at_10_percent_are_not_the_users_of_another()
    {
        var users = Users("sequential", 10_000, seed: 3);
        var a = users.Where(user => RolloutHash.Bucket("flag_a", user) < 1_000).ToHashSet();
        var b = users.Where(user => RolloutHash.Bucket("flag_b", user) < 1_000).ToHashSet();

        // Independent flags share 10 % of their users (10 % of 10 %), not all of them.
        var shared = a.Intersect(b).Count() / (double)a.Count;
        Assert.InRange(shared, 0.07, 0.13);
    }

    internal static List<string> Users(string style, int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(i => style switch
        {
            "guid" => RandomGuid(random),
            "sequential" => $"user-{i}",
            "email" => $"{(char)('a' + random.Next(26))}{random.Next(1_000_000)}@example.com",
            _ => random.NextInt64(1, long.MaxValue).ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).Distinct()];
    }

    private static string RandomGuid(Random random)
    {
        var bytes = new byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes).ToString();
    }
}
