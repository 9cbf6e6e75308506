using Microsoft.Extensions.Configuration;

namespace NatsKvConfig.Tests.Hosting;

/// <summary>Where a source that names a connection string takes its server from (no server needed: nothing connects).</summary>
public class ConnectionStringTests
{
    private static NatsKvConfigurationSource Source(Action<NatsKvConfigurationSource>? configure = null)
    {
        var source = new NatsKvConfigurationSource { Bucket = "b", ConnectionName = "nats" };
        configure?.Invoke(source);
        return source;
    }

    [Fact]
    public void A_plain_builder_reads_the_connection_string_from_the_sources_added_before()
    {
        var builder = new ConfigurationBuilder()
            .AddInMemoryCollection([new("ConnectionStrings:nats", " nats://a:4222,nats://b:4222 ")]);
        var source = Source();
        builder.Add(source);
        builder.AddInMemoryCollection([new("ConnectionStrings:nats", "nats://later:4222")]);

        Assert.Equal("nats://a:4222,nats://b:4222", NatsConnectionString.Resolve(source, builder));
    }

    [Fact]
    public void Another_bucket_before_the_source_is_not_loaded_again_to_look_for_the_connection_string()
    {
        var builder = new ConfigurationBuilder()
            .AddInMemoryCollection([new("ConnectionStrings:nats", "nats://a:4222")])
            .AddNatsKv("other", s =>
            {
                s.Url = "nats://127.0.0.1:1"; // loading it would fail after its start-up timeout
                s.StartupTimeout = TimeSpan.FromMilliseconds(100);
            });
        var source = Source();
        builder.Add(source);

        Assert.Equal("nats://a:4222", NatsConnectionString.Resolve(source, builder));
    }

    [Fact]
    public void A_configuration_manager_is_read_as_built_so_far()
    {
        using var manager = new ConfigurationManager();
        manager.AddInMemoryCollection([new("ConnectionStrings:nats", "nats://user:secret@host:4222")]);

        Assert.Equal("nats://user:secret@host:4222", NatsConnectionString.Resolve(Source(), manager));
    }

    [Fact]
    public void A_chained_configuration_before_the_source_is_read_and_not_disposed()
    {
        var chained = new ConfigurationBuilder().AddInMemoryCollection([new("ConnectionStrings:nats", "nats://chained:4222")]).Build();
        var builder = new ConfigurationBuilder().AddConfiguration(chained, shouldDisposeConfiguration: true);
        var source = Source();
        builder.Add(source);

        Assert.Equal("nats://chained:4222", NatsConnectionString.Resolve(source, builder));
        Assert.Equal("nats://chained:4222", chained["ConnectionStrings:nats"]);
    }

    [Fact]
    public void An_explicit_url_nats_opts_or_connection_wins_over_the_connection_string()
    {
        using var manager = new ConfigurationManager();
        manager.AddInMemoryCollection([new("ConnectionStrings:nats", "nats://from-connection-string:4222")]);

        Assert.Null(NatsConnectionString.Resolve(Source(s => s.Url = "nats://explicit:4222"), manager));
        Assert.Null(NatsConnectionString.Resolve(Source(s => s.NatsOpts = NATS.Client.Core.NatsOpts.Default), manager));
        Assert.Null(NatsConnectionString.Resolve(Source(s => s.ConnectionName = null), manager));
    }

    [Fact]
    public void A_missing_connection_string_is_an_error_naming_the_key_looked_up()
    {
        using var manager = new ConfigurationManager();
        manager.AddInMemoryCollection([new("ConnectionStrings:other", "nats://other:4222")]);

        var error = Assert.Throws<InvalidOperationException>(() => NatsConnectionString.Resolve(Source(), manager));

        Assert.Contains("'ConnectionStrings:nats'", error.Message, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings__nats", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("other:4222", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_provider_made_without_a_builder_says_the_connection_string_needs_one()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new NatsKvConfigurationProvider(Source()));

        Assert.Contains("'ConnectionStrings:nats'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_blank_connection_name_is_refused_by_name()
    {
        var error = Assert.Throws<ArgumentException>(() => new ConfigurationBuilder().AddNatsKv("b", s => s.ConnectionName = " "));

        Assert.Equal("configure", error.ParamName);
        Assert.StartsWith(nameof(NatsKvConfigurationSource.ConnectionName), error.Message, StringComparison.Ordinal);
    }
}
