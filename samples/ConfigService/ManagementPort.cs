namespace ConfigService;

/// <summary>
/// <c>ConfigService:ManagementPort</c>: <c>/healthz</c> and <c>/metrics</c> on a port of their own, for probes and
/// scrapers, and nothing else there; the API's port then serves neither. Probes and Prometheus address a pod by
/// its IP, which <c>AllowedHosts</c> does not list: host filtering applies to the API's port only.
/// </summary>
internal static class ManagementPort
{
    private static readonly string[] Paths = ["/healthz", "/metrics"];

    /// <summary>Adds the management port to the addresses the service listens on (the API's stay as configured).</summary>
    public static void Listen(WebApplicationBuilder builder, int? port)
    {
        if (port is not { } management)
        {
            return;
        }

        var urls = builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey);
        if (string.IsNullOrEmpty(urls))
        {
            // ASPNETCORE_HTTP_PORTS (set by the .NET container images), else Kestrel's own default.
            var ports = builder.WebHost.GetSetting("http_ports");
            urls = string.IsNullOrEmpty(ports)
                ? "http://localhost:5000"
                : string.Join(';', ports.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => $"http://*:{p}"));
        }

        // A service reachable on loopback only keeps its management port there too.
        var loopbackOnly = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .All(url => Uri.TryCreate(url.Replace("*", "any", StringComparison.Ordinal).Replace("+", "any", StringComparison.Ordinal), UriKind.Absolute, out var uri) && (uri.IsLoopback || uri.Host == "localhost"));
        builder.WebHost.UseUrls($"{urls};http://{(loopbackOnly ? "127.0.0.1" : "*")}:{management}");

        // Host filtering moves into the pipeline (UsePipeline), where it can leave the management port out.
        var startupFilter = builder.Services.FirstOrDefault(d => d.ServiceType == typeof(IStartupFilter) && d.ImplementationType?.Name == "HostFilteringStartupFilter");
        if (startupFilter is not null)
        {
            builder.Services.Remove(startupFilter);
        }
    }

    /// <summary>Serves only the management paths on the management port, and everything else only on the others.</summary>
    public static void UsePipeline(WebApplication app, int? port)
    {
        if (port is not { } management)
        {
            return;
        }

        app.UseWhen(context => context.Connection.LocalPort != management, api => api.UseHostFiltering());
        app.Use((context, next) =>
        {
            var onManagementPort = context.Connection.LocalPort == management;
            var managementPath = Paths.Any(path => context.Request.Path.StartsWithSegments(path));
            if (onManagementPort != managementPath)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return next(context);
        });
    }
}
