using System.Net;
using System.Security.Cryptography.X509Certificates;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NatsKvConfig.Testing;

namespace NatsKvConfig.IntegrationTests.Security;

/// <summary>The security settings of <see cref="NatsServerOptions"/> in the Testing package.</summary>
public class HarnessSecurityOptionsTests
{
    [Fact]
    public async Task ClientOpts_carry_the_token_the_server_requires_and_a_connection_without_it_is_refused()
    {
        await using var server = await NatsServer.StartAsync(new NatsServerOptions { Token = "harness-t0ken" });

        Assert.Equal("harness-t0ken", server.ClientOpts.AuthOpts.Token);
        await using (var connection = new NatsConnection(server.ClientOpts))
        {
            var info = await new NatsJSContext(connection).GetAccountInfoAsync();
            Assert.NotNull(info);
        }

        await using var anonymous = new NatsConnection(NatsOpts.Default with { Url = server.Url, MaxReconnectRetry = 0 });
        await Assert.ThrowsAnyAsync<NatsException>(async () => await anonymous.ConnectAsync());
    }

    [Fact]
    public async Task A_server_that_fails_to_start_shows_its_command_line_with_the_token_and_password_masked()
    {
        var token = await Assert.ThrowsAsync<InvalidOperationException>(() => NatsServer.StartAsync(new NatsServerOptions
        {
            Token = "t0ken-not-to-show",
            ExtraArguments = { "--no-such-option" },
        }));
        var password = await Assert.ThrowsAsync<InvalidOperationException>(() => NatsServer.StartAsync(new NatsServerOptions
        {
            Username = "someone",
            Password = "pa55-not-to-show",
            ExtraArguments = { "--no-such-option" },
        }));

        Assert.Contains("--auth ***", token.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("t0ken-not-to-show", token.Message, StringComparison.Ordinal);
        Assert.Contains("--pass ***", password.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pa55-not-to-show", password.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_configuration_file_is_readable_by_its_owner_only_and_deleted_on_disposal()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // reads the command line from /proc
        }

        string path;
        await using (var server = await NatsServer.StartAsync(new NatsServerOptions
        {
            ConfigurationText = "authorization { users = [ { user: admin, password: \"c0nfig-pa55\" } ] }",
            ClientAuth = new NatsAuthOpts { Username = "admin", Password = "c0nfig-pa55" },
        }))
        {
            var arguments = (await File.ReadAllTextAsync($"/proc/{server.ProcessId}/cmdline")).Split('\0');
            path = arguments[Array.IndexOf(arguments, "-c") + 1];
            Assert.Contains("c0nfig-pa55", await File.ReadAllTextAsync(path), StringComparison.Ordinal);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task Token_together_with_Username_is_refused_before_anything_starts()
    {
        var exception = await Assert.ThrowsAsync<ArgumentException>(() => NatsServer.StartAsync(new NatsServerOptions
        {
            Username = "u",
            Password = "p",
            Token = "t",
        }));

        Assert.Equal("options", exception.ParamName);
        Assert.Contains("Token", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mutual_TLS_without_a_client_certificate_for_the_harness_is_refused_before_anything_starts()
    {
        using var certificates = NatsTestCertificates.Create();
        var tls = certificates.ServerTlsOptions(verifyClientCertificates: true);
        tls.ClientCertificateFile = null;
        tls.ClientKeyFile = null;

        var exception = await Assert.ThrowsAsync<ArgumentException>(() => NatsServer.StartAsync(new NatsServerOptions { Tls = tls }));

        Assert.Contains("ClientCertificateFile", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Test_certificates_are_PEM_files_with_private_keys_readable_by_their_owner_only_and_deleted_on_disposal()
    {
        string directory;
        using (var certificates = NatsTestCertificates.Create())
        {
            directory = certificates.Directory;
            using var server = X509Certificate2.CreateFromPemFile(certificates.ServerCertificateFile, certificates.ServerKeyFile);
            Assert.True(server.HasPrivateKey);
            var names = server.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
            Assert.Contains(IPAddress.Loopback, names.EnumerateIPAddresses());
            Assert.Contains("localhost", names.EnumerateDnsNames());
            Assert.StartsWith("-----BEGIN CERTIFICATE-----", File.ReadAllText(certificates.CaFile), StringComparison.Ordinal);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(certificates.ClientKeyFile));
            }
        }

        Assert.False(Directory.Exists(directory));
    }
}
