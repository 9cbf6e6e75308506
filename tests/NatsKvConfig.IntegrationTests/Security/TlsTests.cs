using System.Security.Authentication;
using NATS.Client.Core;
using NatsKvConfig.IntegrationTests.Infrastructure;
using NatsKvConfig.Testing;

namespace NatsKvConfig.IntegrationTests.Security;

/// <summary>TLS with certificates made for the test: a CA, a server certificate for 127.0.0.1 it signed, and a client certificate.</summary>
public sealed class TlsTests : IDisposable
{
    private readonly NatsTestCertificates _certificates = NatsTestCertificates.Create();

    public void Dispose() => _certificates.Dispose();

    [Fact]
    public async Task A_server_certificate_verified_against_the_CA_loads_the_bucket_and_receives_live_changes()
    {
        await using var server = await StartAsync(verifyClientCertificates: false);
        await using var bucket = await TestBucket.CreateAsync(server.ClientOpts);

        await SecuredProvider.AssertLoadsAndFollowsChangesAsync(bucket, NatsOpts.Default with
        {
            Url = server.Url,
            TlsOpts = new NatsTlsOpts { CaFile = _certificates.CaFile },
        });
    }

    [Fact]
    public async Task Mutual_TLS_with_a_client_certificate_loads_the_bucket_and_receives_live_changes()
    {
        await using var server = await StartAsync(verifyClientCertificates: true);
        await using var bucket = await TestBucket.CreateAsync(server.ClientOpts);

        await SecuredProvider.AssertLoadsAndFollowsChangesAsync(bucket, NatsOpts.Default with
        {
            Url = server.Url,
            TlsOpts = new NatsTlsOpts
            {
                CaFile = _certificates.CaFile,
                CertFile = _certificates.ClientCertificateFile,
                KeyFile = _certificates.ClientKeyFile,
            },
        });
    }

    [Fact]
    public async Task A_server_certificate_from_an_untrusted_CA_fails_start_up()
    {
        await using var server = await StartAsync(verifyClientCertificates: false);
        using var otherCertificates = NatsTestCertificates.Create();

        var exception = SecuredProvider.AssertStartUpFails("any", NatsOpts.Default with
        {
            Url = server.Url,
            TlsOpts = new NatsTlsOpts { CaFile = otherCertificates.CaFile },
        });

        Assert.Contains(SecuredProvider.Chain(exception), e => e is AuthenticationException);
    }

    [Fact]
    public async Task Mutual_TLS_without_a_client_certificate_fails_start_up()
    {
        await using var server = await StartAsync(verifyClientCertificates: true);

        var exception = SecuredProvider.AssertStartUpFails("any", NatsOpts.Default with
        {
            Url = server.Url,
            TlsOpts = new NatsTlsOpts { CaFile = _certificates.CaFile },
        });

        // The server ends the handshake with a "bad certificate" alert.
        Assert.True(SecuredProvider.ChainMentions(exception, "certificate"), exception.ToString());
    }

    [Fact]
    public async Task A_plain_text_connection_to_a_TLS_server_fails_start_up()
    {
        await using var server = await StartAsync(verifyClientCertificates: false);

        var exception = SecuredProvider.AssertStartUpFails("any", NatsOpts.Default with
        {
            Url = server.Url,
            TlsOpts = new NatsTlsOpts { Mode = TlsMode.Disable },
        });

        Assert.True(SecuredProvider.ChainMentions(exception, "requires TLS"), exception.ToString());
    }

    private Task<NatsServer> StartAsync(bool verifyClientCertificates) =>
        NatsServer.StartAsync(new NatsServerOptions
        {
            ServerName = verifyClientCertificates ? "mtls" : "tls",
            Tls = _certificates.ServerTlsOptions(verifyClientCertificates),
        });
}
