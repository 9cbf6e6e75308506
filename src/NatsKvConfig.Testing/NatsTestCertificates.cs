using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace NatsKvConfig.Testing;

/// <summary>
/// A throwaway certificate authority with a server certificate for <c>127.0.0.1</c> / <c>localhost</c> and a
/// client certificate, each signed by it, written as PEM files to a temp directory for a TLS test. Dispose it to
/// delete the files.
/// </summary>
/// <remarks>
/// Keys are ECDSA P-256, certificates last a day. Private key files are PKCS#8 PEM, readable by the owner only
/// on Unix. Two instances have unrelated CAs, so one's CA does not trust the other's server: that makes an
/// "untrusted CA" test.
/// </remarks>
public sealed class NatsTestCertificates : IDisposable
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(1);
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private NatsTestCertificates(string directory)
    {
        Directory = directory;
        CaFile = Path.Combine(directory, "ca.pem");
        ServerCertificateFile = Path.Combine(directory, "server-cert.pem");
        ServerKeyFile = Path.Combine(directory, "server-key.pem");
        ClientCertificateFile = Path.Combine(directory, "client-cert.pem");
        ClientKeyFile = Path.Combine(directory, "client-key.pem");
    }

    /// <summary>The directory that holds the files; deleted on <see cref="Dispose"/>.</summary>
    public string Directory { get; }

    /// <summary>The CA certificate, which signed both others.</summary>
    public string CaFile { get; }

    /// <summary>The server certificate, for <c>127.0.0.1</c>, <c>::1</c> and <c>localhost</c>, for server authentication.</summary>
    public string ServerCertificateFile { get; }

    /// <summary>The server certificate's private key.</summary>
    public string ServerKeyFile { get; }

    /// <summary>The client certificate (subject <c>CN=natskvconfig-test-client</c>), for client authentication.</summary>
    public string ClientCertificateFile { get; }

    /// <summary>The client certificate's private key.</summary>
    public string ClientKeyFile { get; }

    /// <summary>Makes a new CA, server and client certificate in a fresh temp directory.</summary>
    /// <returns>The files; dispose to delete them.</returns>
    public static NatsTestCertificates Create()
    {
        var certificates = new NatsTestCertificates(System.IO.Directory.CreateTempSubdirectory("natskvconfig-tls-").FullName);
        try
        {
            certificates.Write();
            return certificates;
        }
        catch
        {
            certificates.Dispose();
            throw;
        }
    }

    /// <summary>Server TLS options with these files: server certificate, key and CA, and (for mutual TLS) the client certificate the harness presents.</summary>
    /// <param name="verifyClientCertificates">Whether the server requires client certificates signed by the CA.</param>
    /// <returns>Options for <see cref="NatsServerOptions.Tls"/>.</returns>
    public NatsServerTlsOptions ServerTlsOptions(bool verifyClientCertificates = false) => new()
    {
        CertificateFile = ServerCertificateFile,
        KeyFile = ServerKeyFile,
        CaFile = CaFile,
        VerifyClientCertificates = verifyClientCertificates,
        ClientCertificateFile = verifyClientCertificates ? ClientCertificateFile : null,
        ClientKeyFile = verifyClientCertificates ? ClientKeyFile : null,
    };

    /// <summary>Deletes the directory and its files. Safe to call more than once.</summary>
    public void Dispose() => NatsServer.TryDeleteDirectory(Directory);

    private static X509Certificate2 Issue(
        X509Certificate2 ca,
        ECDsa key,
        string subject,
        string extendedKeyUsageOid,
        Action<CertificateRequest>? addNames = null)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(extendedKeyUsageOid)], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        addNames?.Invoke(request);
        // The CA's own validity window: a leaf may not outlive its issuer, and "now" read again later (the
        // certificates store whole seconds) can already be past the CA's end.
        return request.Create(ca, new DateTimeOffset(ca.NotBefore), new DateTimeOffset(ca.NotAfter), RandomNumberGenerator.GetBytes(16));
    }

    private static void WriteText(string path, string text, bool secret)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (secret && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var writer = new StreamWriter(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), options);
        writer.Write(text);
    }

    private void Write()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=natskvconfig-test-ca", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        using var ca = caRequest.CreateSelfSigned(now - ClockSkew, now + Lifetime);

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var server = Issue(ca, serverKey, "CN=127.0.0.1", "1.3.6.1.5.5.7.3.1", request =>
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            names.AddIpAddress(IPAddress.IPv6Loopback);
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
        });

        using var clientKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var client = Issue(ca, clientKey, "CN=natskvconfig-test-client", "1.3.6.1.5.5.7.3.2");

        WriteText(CaFile, ca.ExportCertificatePem(), secret: false);
        WriteText(ServerCertificateFile, server.ExportCertificatePem(), secret: false);
        WriteText(ServerKeyFile, serverKey.ExportPkcs8PrivateKeyPem(), secret: true);
        WriteText(ClientCertificateFile, client.ExportCertificatePem(), secret: false);
        WriteText(ClientKeyFile, clientKey.ExportPkcs8PrivateKeyPem(), secret: true);
    }
}
