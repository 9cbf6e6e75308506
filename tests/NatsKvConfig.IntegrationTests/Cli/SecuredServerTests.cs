using NatsKvConfig.IntegrationTests.Infrastructure;
using NatsKvConfig.Testing;

namespace NatsKvConfig.IntegrationTests.Cli;

/// <summary>The tool against a server that wants a token, and one that speaks only TLS.</summary>
public sealed class SecuredServerTests : IDisposable
{
    private readonly NatsTestCertificates _certificates = NatsTestCertificates.Create();

    public void Dispose() => _certificates.Dispose();

    [Fact]
    public async Task A_token_from_the_option_or_NATS_TOKEN_works_and_a_wrong_one_is_refused_without_echoing_it()
    {
        const string token = "cli-t0ken-5e2a";
        await using var server = await NatsServer.StartAsync(new NatsServerOptions { Token = token, ServerName = "cli-token" });
        await using var bucket = await TestBucket.CreateAsync(server.ClientOpts);

        (await CliRun.Async(server.Url, "--token", token, "put", bucket.Name, "a", "1")).Ok();
        var env = new Dictionary<string, string> { ["NATS_URL"] = server.Url, ["NATS_TOKEN"] = token };
        var value = (await CliRun.Async(env, null, "get", bucket.Name, "a", "--raw")).Ok();
        var wrong = await CliRun.Async(server.Url, "--token", "not-" + token, "get", bucket.Name, "a");

        Assert.Equal("1", value);
        Assert.Contains("authorization violation", wrong.Fails(1));
        Assert.DoesNotContain(token, wrong.Err);
    }

    [Fact]
    public async Task Tls_ca_verifies_the_server_and_without_it_the_connection_fails()
    {
        await using var server = await NatsServer.StartAsync(new NatsServerOptions { ServerName = "cli-tls", Tls = _certificates.ServerTlsOptions(verifyClientCertificates: false) });
        await using var bucket = await TestBucket.CreateAsync(server.ClientOpts);

        (await CliRun.Async(server.Url, "--tls-ca", _certificates.CaFile, "put", bucket.Name, "a", "1")).Ok();
        var value = (await CliRun.Async(server.Url, "--tls-ca", _certificates.CaFile, "get", bucket.Name, "a", "--raw")).Ok();
        var unverified = await CliRun.Async(server.Url, "--timeout", "3s", "get", bucket.Name, "a");

        Assert.Equal("1", value);
        Assert.Contains("cannot talk to NATS", unverified.Fails(1));
    }
}
