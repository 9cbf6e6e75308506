using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;
using Microsoft.Extensions.Logging;

namespace NatsKvConfig.Testing;

/// <summary>The last resort: a NATS server in Docker, started through Testcontainers.</summary>
internal static class NatsContainerLauncher
{
    public const string Image = "nats:2.10-alpine";
    public const ushort ClientPort = 4222;

    /// <summary>Starts a JetStream-enabled container, or returns null when no Docker engine answers.</summary>
    public static async Task<IContainer?> TryStartAsync(ILogger logger, CancellationToken cancellationToken)
    {
        IContainer container;
        try
        {
            container = new ContainerBuilder(Image)
                .WithCommand("-js")
                .WithPortBinding(ClientPort, assignRandomHostPort: true)
                .WithWaitStrategy(Wait.ForUnixContainer().UntilMessageIsLogged("Server is ready"))
                .Build();
        }
        catch (DockerUnavailableException ex)
        {
            HarnessLog.DockerUnavailable(logger, ex);
            return null;
        }

        try
        {
            await container.StartAsync(cancellationToken).ConfigureAwait(false);
            return container;
        }
        catch
        {
            await container.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public static string UrlOf(IContainer container) =>
        $"nats://{container.Hostname}:{container.GetMappedPublicPort(ClientPort)}";
}
