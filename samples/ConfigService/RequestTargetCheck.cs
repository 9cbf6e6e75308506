namespace ConfigService;

/// <summary>
/// Refuses a request target with dot segments (<c>/config/a.b/../c.d</c>, also as <c>%2e%2e</c>) with 400. The
/// server routes the normalised path (<c>/config/c.d</c>) while the API reads the key from the target as sent
/// (<c>a.b</c>): logs, proxies and the write would disagree about which key a request touched.
/// </summary>
internal static class RequestTargetCheck
{
    public static IApplicationBuilder UseRequestTargetCheck(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var target = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget;
            if (target is not null && HasDotSegments(target))
            {
                Log.DotSegmentsRefused(
                    context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RequestTargetCheck).FullName!),
                    context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
                await ApiErrors.Error(StatusCodes.Status400BadRequest, "the request target has a '.' or '..' segment: send the path as is, percent-encoding a '/' in a key").ExecuteAsync(context);
                return;
            }

            await next(context);
        });

    /// <summary>Whether the path of <paramref name="target"/> has a segment that is <c>.</c> or <c>..</c>, plain or percent-encoded.</summary>
    public static bool HasDotSegments(string target)
    {
        var end = target.IndexOfAny(['?', '#']);
        var path = end < 0 ? target : target[..end];
        foreach (var segment in path.Split('/'))
        {
            var decoded = segment.Replace("%2e", ".", StringComparison.OrdinalIgnoreCase);
            if (decoded is "." or "..")
            {
                return true;
            }
        }

        return false;
    }
}
