namespace NatsKvConfig.Tests.Client;

public class BucketSettingDifferenceTests
{
    private static NatsKvBucketInfo Bucket(int history = 10, long maxBytes = -1, string? mirrorOf = null, string? mirrorDomain = null, string? description = null) =>
        new("app_config")
        {
            History = history,
            MaxAge = TimeSpan.Zero,
            Replicas = 1,
            MaxBytes = maxBytes,
            Storage = NatsKvBucketStorage.File,
            MirrorOf = mirrorOf,
            MirrorDomain = mirrorDomain,
            Description = description,
        };

    [Fact]
    public void The_defaults_match_a_bucket_made_with_them()
    {
        Assert.Empty(NatsKvBucketSettingDifference.Between(new NatsKvBucketSettings(), Bucket()));
    }

    [Fact]
    public void No_size_limit_is_one_setting_whether_the_server_says_minus_one_or_zero()
    {
        Assert.Empty(NatsKvBucketSettingDifference.Between(new NatsKvBucketSettings(), Bucket(maxBytes: 0)));
    }

    [Fact]
    public void A_description_is_compared_only_when_one_is_given()
    {
        Assert.Empty(NatsKvBucketSettingDifference.Between(new NatsKvBucketSettings(), Bucket(description: "theirs")));
        var difference = Assert.Single(NatsKvBucketSettingDifference.Between(new NatsKvBucketSettings { Description = "ours" }, Bucket()));
        Assert.Equal(("Description", "ours", "none"), (difference.Setting, difference.Requested, difference.Actual));
    }

    [Fact]
    public void A_mirror_asked_of_an_ordinary_bucket_differs_in_origin_and_domain()
    {
        var differences = NatsKvBucketSettingDifference.Between(new NatsKvBucketSettings { MirrorOf = "app_config", MirrorDomain = "hub" }, Bucket());

        Assert.Equal(
            [("MirrorOf", "app_config", "none"), ("MirrorDomain", "hub", "none")],
            differences.Select(d => (d.Setting, d.Requested, d.Actual)));
        Assert.Empty(NatsKvBucketSettingDifference.Between(new NatsKvBucketSettings { MirrorOf = "app_config", MirrorDomain = "hub" }, Bucket(mirrorOf: "app_config", mirrorDomain: "hub")));
    }

    [Fact]
    public void Differences_read_as_the_buckets_value_then_the_one_asked_for()
    {
        var difference = Assert.Single(NatsKvBucketSettingDifference.Between(new NatsKvBucketSettings { History = 10 }, Bucket(history: 20)));

        Assert.Equal("History: 20, not 10", difference.ToString());
    }

    [Fact]
    public void Info_from_anywhere_but_an_ensure_has_no_differences_and_a_copy_keeps_everything_else()
    {
        var info = Bucket(history: 20);
        var copy = info.WithDifferences(NatsKvBucketSettingDifference.Between(new NatsKvBucketSettings(), info));

        Assert.Empty(info.Differences);
        Assert.Single(copy.Differences);
        Assert.Equal((info.Bucket, info.History, info.MaxBytes), (copy.Bucket, copy.History, copy.MaxBytes));
    }
}
