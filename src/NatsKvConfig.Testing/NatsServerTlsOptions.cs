namespace NatsKvConfig.Testing;

/// <summary>
/// TLS for a local nats-server (<c>--tls</c>, <c>--tlscert</c>, <c>--tlskey</c>, <c>--tlscacert</c>, <c>--tlsverify</c>).
/// All files are PEM; <see cref="NatsTestCertificates"/> makes a matching set.
/// </summary>
/// <remarks>
/// The harness connects over TLS as well (to see that the server is ready, and in <see cref="NatsServer.ClientOpts"/>):
/// it trusts <see cref="CaFile"/> and, when the server verifies clients, presents <see cref="ClientCertificateFile"/>.
/// </remarks>
public sealed class NatsServerTlsOptions
{
    /// <summary>The server's certificate (<c>--tlscert</c>). Required; it must name 127.0.0.1.</summary>
    public string? CertificateFile { get; set; }

    /// <summary>The private key of <see cref="CertificateFile"/> (<c>--tlskey</c>). Required.</summary>
    public string? KeyFile { get; set; }

    /// <summary>
    /// The CA certificate that signed the server's certificate, which the harness trusts when it connects. With
    /// <see cref="VerifyClientCertificates"/> the server also checks client certificates against it (<c>--tlscacert</c>).
    /// Null: the harness trusts the machine's roots only, so a self-made certificate will not do.
    /// </summary>
    public string? CaFile { get; set; }

    /// <summary>
    /// Whether the server requires each client to present a certificate signed by <see cref="CaFile"/>
    /// (mutual TLS, <c>--tlsverify</c>). Then <see cref="ClientCertificateFile"/> and <see cref="ClientKeyFile"/> are required.
    /// </summary>
    public bool VerifyClientCertificates { get; set; }

    /// <summary>The client certificate the harness presents when <see cref="VerifyClientCertificates"/> is set.</summary>
    public string? ClientCertificateFile { get; set; }

    /// <summary>The private key of <see cref="ClientCertificateFile"/>.</summary>
    public string? ClientKeyFile { get; set; }

    /// <summary>Checks the TLS options; the exception names the caller's parameter, the message the option.</summary>
    internal void Validate(string paramName)
    {
        if (string.IsNullOrWhiteSpace(CertificateFile) || string.IsNullOrWhiteSpace(KeyFile))
        {
            throw new ArgumentException("TLS needs both CertificateFile and KeyFile.", paramName);
        }

        if (VerifyClientCertificates && string.IsNullOrWhiteSpace(CaFile))
        {
            throw new ArgumentException("VerifyClientCertificates needs CaFile, the CA that signs the client certificates.", paramName);
        }

        if ((ClientCertificateFile is null) != (ClientKeyFile is null))
        {
            throw new ArgumentException("Set both ClientCertificateFile and ClientKeyFile, or neither.", paramName);
        }

        if (VerifyClientCertificates && ClientCertificateFile is null)
        {
            throw new ArgumentException(
                "VerifyClientCertificates needs ClientCertificateFile and ClientKeyFile: the harness must present a client certificate to see that the server is ready.",
                paramName);
        }
    }
}
