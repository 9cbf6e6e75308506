using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NatsKvConfig.Tests.Options;

namespace NatsKvConfig.Tests.FeatureFlags;

public class FeatureFlagsTests
{
    private const int Unknown = 9001;
    private const int Malformed = 9002;
    private const int UnknownStopped = 9003;

    // From the fixed vectors: in flag "beta", user-1 has bucket 2342, user-2 3218, admin 5103.
    private const string User1 = "user-1";
    private const string User2 = "user-2";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Enabled_without_a_rollout_is_on_for_everyone_including_no_user(bool expand)
    {
        using var harness = new FlagsHarness(expand);
        harness.Put("beta", """{"enabled": true}""");

        Assert.True(harness.Flags.IsEnabled("beta"));
        Assert.True(harness.Flags.IsEnabled("beta", ""));
        Assert.True(harness.Flags.IsEnabled("beta", User2));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Disabled_is_off_even_for_allowed_users_and_at_rollout_100(bool expand)
    {
        using var harness = new FlagsHarness(expand);
        harness.Put("beta", """{"enabled": false, "rollout": 100, "allowed_users": ["admin"]}""");

        Assert.False(harness.Flags.IsEnabled("beta"));
        Assert.False(harness.Flags.IsEnabled("beta", "admin"));
        Assert.False(harness.Flags.IsEnabled("beta", User1));
        Assert.DoesNotContain(harness.Logs.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Allowed_users_are_on_at_rollout_0_and_compared_case_sensitively(bool expand)
    {
        using var harness = new FlagsHarness(expand);
        harness.Put("beta", """{"enabled": true, "rollout": 0, "allowed_users": ["admin", "beta_tester"]}""");

        Assert.True(harness.Flags.IsEnabled("beta", "admin"));
        Assert.True(harness.Flags.IsEnabled("beta", "beta_tester"));
        Assert.False(harness.Flags.IsEnabled("beta", "Admin"));
        Assert.False(harness.Flags.IsEnabled("beta", User1));
        Assert.False(harness.Flags.IsEnabled("beta"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_partial_rollout_takes_users_whose_bucket_is_below_it_and_nobody_without_a_user_id(bool expand)
    {
        using var harness = new FlagsHarness(expand);
        harness.Put("beta", """{"enabled": true, "rollout": 30}""");

        Assert.True(harness.Flags.IsEnabled("beta", User1));  // bucket 2342 < 3000
        Assert.False(harness.Flags.IsEnabled("beta", User2)); // bucket 3218
        Assert.False(harness.Flags.IsEnabled("beta"));
        Assert.False(harness.Flags.IsEnabled("beta", ""));
    }

    [Fact]
    public void Rollouts_have_two_decimals_and_the_boundary_is_exclusive()
    {
        using var harness = new FlagsHarness();
        harness.Put("beta", """{"enabled": true, "rollout": 23.42}""");
        Assert.False(harness.Flags.IsEnabled("beta", User1)); // bucket 2342 is not below 2342

        harness.Put("beta", """{"enabled": true, "rollout": 23.43}""");
        Assert.True(harness.Flags.IsEnabled("beta", User1));
    }

    [Fact]
    public void Flag_names_are_case_insensitive_and_the_bucket_does_not_depend_on_their_spelling()
    {
        using var harness = new FlagsHarness();
        harness.Put("Beta", """{"enabled": true, "rollout": 30}""");

        Assert.True(harness.Flags.IsEnabled("BETA", User1));
        Assert.False(harness.Flags.IsEnabled("beta", User2));
    }

    [Fact]
    public void Flat_keys_work_like_a_json_value()
    {
        using var harness = new FlagsHarness();
        harness.PutFlat(
            ("features:beta:enabled", "true"),
            ("features:beta:rollout", "30"),
            ("features:beta:allowed_users:0", User2));

        Assert.True(harness.Flags.IsEnabled("beta", User1));
        Assert.True(harness.Flags.IsEnabled("beta", User2));
        Assert.False(harness.Flags.IsEnabled("beta", "admin"));
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("False", false)]
    public void A_plain_true_or_false_is_shorthand_for_everyone_or_nobody(string value, bool expected)
    {
        using var harness = new FlagsHarness();
        harness.Put("beta", value);

        Assert.Equal(expected, harness.Flags.IsEnabled("beta"));
        Assert.Equal(expected, harness.Flags.IsEnabled("beta", User2));
    }

    [Fact]
    public void Unknown_properties_are_ignored_without_a_warning()
    {
        using var harness = new FlagsHarness();
        harness.Put("beta", """{"enabled": true, "description": "the new beta", "owner": {"team": "web"}}""");

        Assert.True(harness.Flags.IsEnabled("beta", User2));
        Assert.DoesNotContain(harness.Logs.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public void Changes_apply_on_the_next_call_after_the_reload()
    {
        using var harness = new FlagsHarness();
        harness.Put("beta", """{"enabled": false}""");
        Assert.False(harness.Flags.IsEnabled("beta", User2));

        harness.Put("beta", """{"enabled": true}""");
        Assert.True(harness.Flags.IsEnabled("beta", User2));

        harness.Put("beta", """{"enabled": true, "rollout": 30}""");
        Assert.False(harness.Flags.IsEnabled("beta", User2));

        harness.Delete("beta");
        Assert.False(harness.Flags.IsEnabled("beta"));
        Assert.Single(harness.Warnings(Unknown, "beta"));
    }

    [Fact]
    public void Raising_a_rollout_keeps_every_user_who_had_the_feature()
    {
        using var harness = new FlagsHarness();
        var users = RolloutHashTests.Users("guid", 5_000, seed: 4);
        HashSet<string>? previous = null;
        foreach (var rollout in new[] { 0, 1, 5, 20, 50, 80, 99.99, 100 })
        {
            harness.Put("beta", $$"""{"enabled": true, "rollout": {{rollout.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}""");
            var enabled = users.Where(user => harness.Flags.IsEnabled("beta", user)).ToHashSet();
            if (previous is not null)
            {
                Assert.Superset(previous, enabled);
            }

            Assert.InRange(enabled.Count, (rollout / 100 * users.Count) - 150, (rollout / 100 * users.Count) + 150);
            previous = enabled;
        }

        Assert.Equal(users.Count, previous!.Count);
    }

    [Fact]
    public void An_unknown_flag_is_off_and_warned_about_once_per_name()
    {
        using var harness = new FlagsHarness();
        harness.Put("beta", """{"enabled": true}""");

        for (var i = 0; i < 5; i++)
        {
            Assert.False(harness.Flags.IsEnabled("gamma", User1));
            Assert.False(harness.Flags.IsEnabled("GAMMA"));
            harness.UnrelatedReload();
        }

        Assert.False(harness.Flags.IsEnabled("delta"));
        var warning = Assert.Single(harness.Warnings(Unknown, "gamma"));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("'features'", warning.Message, StringComparison.Ordinal);
        Assert.Single(harness.Warnings(Unknown, "delta"));
    }

    [Fact]
    public void Warnings_about_unknown_flags_stop_after_a_bounded_number_of_names()
    {
        using var harness = new FlagsHarness();
        for (var i = 0; i < NatsKvFeatureFlags.MaxUnknownWarnings + 50; i++)
        {
            Assert.False(harness.Flags.IsEnabled($"caller_made_up_{i}"));
        }

        Assert.Equal(NatsKvFeatureFlags.MaxUnknownWarnings, harness.Logs.WithId(Unknown).Count());
        Assert.Single(harness.Logs.WithId(UnknownStopped));
    }

    [Fact]
    public void A_missing_section_turns_every_flag_off()
    {
        using var harness = new FlagsHarness();
        harness.UnrelatedReload();

        Assert.False(harness.Flags.IsEnabled("beta"));
        Assert.False(harness.Flags.IsEnabled("beta", "admin"));
    }

    public static TheoryData<string, string> MalformedValues => new()
    {
        { """{"rollout": 50}""", "'enabled' is missing" },
        { """{"enabled": "yes", "allowed_users": ["admin"]}""", "'enabled' is not true or false" },
        { """{"enabled": {"on": true}}""", "'enabled' is not true or false" },
        { """{"enabled": true, "rollout": 101, "allowed_users": ["admin"]}""", "'rollout' is not a number from 0 to 100" },
        { """{"enabled": true, "rollout": -1}""", "'rollout' is not a number from 0 to 100" },
        { """{"enabled": true, "rollout": "half"}""", "'rollout' is not a number from 0 to 100" },
        { """{"enabled": true, "rollout": 12.345}""", "'rollout' is not a number from 0 to 100" },
        { """{"enabled": true, "rollout": ""}""", "'rollout' is not a number from 0 to 100" },
        { """{"enabled": true, "rollout": [50]}""", "'rollout' is not a number from 0 to 100" },
        { """{"enabled": true, "allowed_users": "admin"}""", "'allowed_users' is not a list" },
        { """{"enabled": true, "allowed_users": {"who": "admin"}}""", "'allowed_users' is not a list" },
        { """{"enabled": true, "allowed_users": [["admin"]]}""", "an item of 'allowed_users' is not a string" },
        { """{"enabled": true, "allowed_users": ["admin", null]}""", "an item of 'allowed_users' is not a string" },
        { """{"enabled": true, "allowed_users": [{"id": "admin"}]}""", "an item of 'allowed_users' is not a string" },
        { """{}""", "it holds no settings" },
        { "sometimes", "its value is neither a JSON object nor true or false" },
        { """{"enabled": tru""", "its value is not valid JSON" },
    };

    [Theory]
    [MemberData(nameof(MalformedValues))]
    public void A_malformed_flag_is_off_for_everyone_and_warned_about_once_without_its_value(string value, string problem)
    {
        foreach (var expand in new[] { true, false })
        {
            using var harness = new FlagsHarness(expand);
            harness.Put("beta", value);

            for (var i = 0; i < 3; i++)
            {
                Assert.False(harness.Flags.IsEnabled("beta"));
                Assert.False(harness.Flags.IsEnabled("beta", "admin"));
                harness.UnrelatedReload();
            }

            var warning = Assert.Single(harness.Warnings(Malformed, "beta"));
            Assert.Equal(LogLevel.Warning, warning.Level);
            Assert.Contains(problem, warning.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(value, warning.Message, StringComparison.Ordinal);
            foreach (var literal in Regex.Matches(value, "\"[^\"]*\"|-?[0-9]+(\\.[0-9]+)?").Select(match => match.Value))
            {
                Assert.DoesNotContain(literal, warning.Message, StringComparison.Ordinal); // no string or number of the value
            }

            Assert.Empty(harness.Logs.WithId(Unknown));
        }
    }

    [Fact]
    public void A_malformed_flag_is_reported_again_only_when_its_malformed_value_changes()
    {
        using var harness = new FlagsHarness();
        harness.Put("beta", """{"enabled": true, "rollout": 101}""");
        harness.Put("other", """{"enabled": true}""");
        Assert.False(harness.Flags.IsEnabled("beta", User1));
        harness.Put("other", """{"enabled": false}""");
        Assert.False(harness.Flags.IsEnabled("beta", User1));
        Assert.Single(harness.Warnings(Malformed, "beta"));

        harness.Put("beta", """{"enabled": true, "rollout": 102}""");
        Assert.False(harness.Flags.IsEnabled("beta", User1));
        Assert.Equal(2, harness.Warnings(Malformed, "beta").Count);

        // Fixed, then broken again the same way: a new mistake, reported again.
        harness.Put("beta", """{"enabled": true, "rollout": 30}""");
        Assert.True(harness.Flags.IsEnabled("beta", User1));
        harness.Put("beta", """{"enabled": true, "rollout": 102}""");
        Assert.False(harness.Flags.IsEnabled("beta", User1));
        Assert.Equal(3, harness.Warnings(Malformed, "beta").Count);
    }

    [Fact]
    public void Malformed_flags_are_reported_after_a_reload_even_when_only_another_flag_is_asked_for()
    {
        using var harness = new FlagsHarness();
        harness.Put("beta", """{"enabled": true}""");
        harness.Put("broken", """{"enabled": 1}""");

        Assert.True(harness.Flags.IsEnabled("beta"));

        Assert.Single(harness.Warnings(Malformed, "broken"));
    }

    [Fact]
    public void One_malformed_flag_does_not_affect_the_others()
    {
        using var harness = new FlagsHarness();
        harness.Put("broken", """{"enabled": true, "rollout": "lots"}""");
        harness.Put("beta", """{"enabled": true, "allowed_users": ["admin"], "rollout": 0}""");

        Assert.True(harness.Flags.IsEnabled("beta", "admin"));
        Assert.False(harness.Flags.IsEnabled("broken", "admin"));
    }

    [Fact]
    public async Task Threads_racing_the_first_call_after_a_reload_see_the_new_flags_and_log_one_warning()
    {
        using var harness = new FlagsHarness();
        harness.Put("beta", """{"enabled": true}""");
        Assert.True(harness.Flags.IsEnabled("beta"));

        for (var round = 0; round < 20; round++)
        {
            harness.Put("beta", round % 2 == 0 ? $$"""{"enabled": true, "rollout": {{101 + round}}}""" : """{"enabled": true}""");
            using var start = new Barrier(4);
            var tasks = Enumerable.Range(0, 4)
                .Select(_ => Task.Run(() =>
                {
                    Assert.True(start.SignalAndWait(TimeSpan.FromSeconds(10)), "all threads started");
                    return harness.Flags.IsEnabled("beta");
                }))
                .ToList();
            var answers = await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(20));

            Assert.All(answers, answer => Assert.Equal(round % 2 == 1, answer));
        }

        Assert.Equal(10, harness.Warnings(Malformed, "beta").Count);
    }

    [Fact]
    public void Asking_is_allocation_free_between_reloads()
    {
        using var harness = new FlagsHarness();
        harness.Put("beta", """{"enabled": true, "rollout": 30, "allowed_users": ["admin"]}""");
        harness.Put("off", """{"enabled": false}""");
        var users = Enumerable.Range(0, 100).Select(i => $"user-{i}").ToArray();
        var longUser = new string('x', 1_000);

        var enabled = 0;
        void Ask()
        {
            foreach (var user in users)
            {
                enabled += harness.Flags.IsEnabled("beta", user) ? 1 : 0;
            }

            enabled += harness.Flags.IsEnabled("BETA", "admin") ? 1 : 0;
            enabled += harness.Flags.IsEnabled("beta", longUser) ? 1 : 0;
            enabled += harness.Flags.IsEnabled("off", "admin") ? 1 : 0;
            enabled += harness.Flags.IsEnabled("unknown", "admin") ? 1 : 0;
        }

        for (var i = 0; i < 50; i++)
        {
            Ask(); // warm up: the first call reads the section, and the JIT settles
        }

        enabled = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            Ask();
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.True(enabled > 100, "some users are in the rollout, so the hash ran");
    }

    [Fact]
    public void The_service_reads_the_features_section_of_the_registered_configuration_by_default()
    {
        var source = new ReloadableConfigurationSource(new Dictionary<string, string?>
        {
            ["features:beta:enabled"] = "true",
            ["my_flags:beta:enabled"] = "false",
        });
        var configuration = new ConfigurationBuilder().Add(source).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);

        using var provider = services.AddNatsKvFeatureFlags().BuildServiceProvider();

        var flags = provider.GetRequiredService<IFeatureFlags>();
        Assert.Same(flags, provider.GetRequiredService<IFeatureFlags>());
        Assert.True(flags.IsEnabled("beta"));

        source.Provider.Push(new Dictionary<string, string?> { ["features:beta:enabled"] = "false" });
        Assert.False(flags.IsEnabled("beta"));
    }

    [Fact]
    public void Another_section_can_be_named_and_logs_go_to_the_registered_logger_factory()
    {
        var source = new ReloadableConfigurationSource(new Dictionary<string, string?>
        {
            ["features:beta:enabled"] = "false",
            ["my_flags:beta:enabled"] = "true",
        });
        var configuration = new ConfigurationBuilder().Add(source).Build();
        var logs = new CapturingLoggerProvider();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging(builder => builder.AddProvider(logs));

        using var provider = services.AddNatsKvFeatureFlags("my_flags").BuildServiceProvider();

        var flags = provider.GetRequiredService<IFeatureFlags>();
        Assert.True(flags.IsEnabled("beta"));
        Assert.False(flags.IsEnabled("nope"));
        var warning = Assert.Single(logs.WithId(Unknown));
        Assert.Equal("NatsKvConfig.NatsKvFeatureFlags", warning.Category);
        Assert.Contains("'my_flags'", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Registration_checks_its_arguments()
    {
        Assert.Throws<ArgumentNullException>(() => ((IServiceCollection)null!).AddNatsKvFeatureFlags());
        Assert.Throws<ArgumentException>(() => new ServiceCollection().AddNatsKvFeatureFlags(" "));
        using var harness = new FlagsHarness();
        Assert.Throws<ArgumentNullException>(() => harness.Flags.IsEnabled(null!));
    }
}
