using System.Globalization;
using System.Text.Json;
using Microsoft.Net.Http.Headers;
using NatsKvConfig;

namespace ConfigService;

/// <summary>
/// The REST API over the typed client: <c>/config</c> lists, <c>/config/{key}</c> reads and writes one key (a NATS
/// key or a configuration path; percent-encode a <c>/</c> in a key), with ETags carrying the key's revision.
/// </summary>
internal static class ConfigEndpoints
{
    /// <summary>The largest PUT body taken: a configuration value is not a file store.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    public static void MapConfigApi(this IEndpointRouteBuilder app)
    {
        var reads = app.MapGroup("/config").AddEndpointFilter(async (context, next) =>
            context.HttpContext.RequestServices.GetRequiredService<TokenCheck>().AuthorizeRead(context.HttpContext) ?? await next(context));

        reads.MapGet("", ListAsync);
        reads.MapGet("/{key}", GetAsync);
        reads.MapGet("/{key}/history", HistoryAsync);

        var writes = app.MapGroup("/config").AddEndpointFilter(async (context, next) =>
            context.HttpContext.RequestServices.GetRequiredService<TokenCheck>().AuthorizeWrite(context.HttpContext) ?? await next(context));

        writes.MapPut("/{key}", PutAsync);
        writes.MapDelete("/{key}", DeleteAsync);
        writes.MapPost("/{key}/rollback", RollbackAsync);
    }

    private static Task<IResult> ListAsync(string? prefix, NatsKvConfigClient client, NatsCall nats, ILogger<Api> logger, CancellationToken requestAborted) =>
        nats.RunAsync(logger, async cancellationToken =>
        {
            string? section = null;
            if (!string.IsNullOrEmpty(prefix))
            {
                if (!NatsKvConfigKey.TryParse(prefix, out var parsed, out var error))
                {
                    return ApiErrors.Error(StatusCodes.Status400BadRequest, $"prefix: {error}");
                }

                section = parsed.Path;
            }

            var entries = await client.ListAsync(section, cancellationToken);
            return Results.Ok(entries.Select(EntryBody.From));
        }, requestAborted);

    private static Task<IResult> GetAsync(string key, NatsKvConfigClient client, HttpContext context, NatsCall nats, ILogger<Api> logger) =>
        WithKeyAsync(context, key, nats, logger, async (configKey, cancellationToken) =>
        {
            var entry = await client.GetAsync(configKey, cancellationToken);
            if (entry is null)
            {
                return ApiErrors.Error(StatusCodes.Status404NotFound, $"key '{configKey.Key}' has no value");
            }

            SetETag(context, entry.Revision);
            return Results.Ok(EntryBody.From(entry));
        });

    private static async Task<IResult> PutAsync(string key, NatsKvConfigClient client, HttpContext context, NatsCall nats, ILogger<Api> logger)
    {
        // Read before the clock for NATS starts: a slow upload is not NATS being down.
        var (body, bodyError) = await ReadValueAsync(context.Request, context.RequestAborted);
        if (bodyError is not null)
        {
            return bodyError;
        }

        return await WithKeyAsync(context, key, nats, logger, async (configKey, cancellationToken) =>
        {
            // The key holding the path, whatever case it was typed in: the response names the key written.
            var resolution = await client.ResolveKeyAsync(configKey, cancellationToken);
            var target = resolution.Key;
            var headers = context.Request.GetTypedHeaders();
            ulong revision;
            if (headers.IfNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any)))
            {
                revision = await client.CreateAsync(target, body!, cancellationToken);
            }
            else if (ExpectedRevision(headers.IfMatch) is { } expected)
            {
                if (expected.Error is { } error)
                {
                    return error;
                }

                revision = await client.UpdateAsync(target, body!, expected.Revision, cancellationToken);
            }
            else
            {
                revision = await client.PutAsync(target, body!, cancellationToken);
            }

            SetETag(context, revision);
            return Results.Ok(new RevisionBody(target.Key, target.Path, revision, resolution.OtherKeys));
        });
    }

    private static Task<IResult> DeleteAsync(string key, NatsKvConfigClient client, HttpContext context, NatsCall nats, ILogger<Api> logger) =>
        WithKeyAsync(context, key, nats, logger, async (configKey, cancellationToken) =>
        {
            ulong? expectedRevision = null;
            if (ExpectedRevision(context.Request.GetTypedHeaders().IfMatch) is { } expected)
            {
                if (expected.Error is { } error)
                {
                    return error;
                }

                expectedRevision = expected.Revision;
            }

            var revision = await client.DeleteAsync(configKey, expectedRevision, cancellationToken);
            return revision is null
                ? ApiErrors.Error(StatusCodes.Status404NotFound, $"key '{configKey.Key}' has no value")
                : Results.NoContent();
        });

    private static Task<IResult> HistoryAsync(string key, NatsKvConfigClient client, HttpContext context, NatsCall nats, ILogger<Api> logger) =>
        WithKeyAsync(context, key, nats, logger, async (configKey, cancellationToken) =>
        {
            var history = await client.GetHistoryAsync(configKey, cancellationToken);
            return history.Count == 0
                ? ApiErrors.Error(StatusCodes.Status404NotFound, $"key '{configKey.Key}' has no history")
                : Results.Ok(history.Select(EntryBody.From));
        });

    private static Task<IResult> RollbackAsync(string key, string? revision, string? allowDelete, NatsKvConfigClient client, HttpContext context, NatsCall nats, ILogger<Api> logger) =>
        WithKeyAsync(context, key, nats, logger, async (configKey, cancellationToken) =>
        {
            if (!ulong.TryParse(revision, NumberStyles.None, CultureInfo.InvariantCulture, out var to) || to == 0)
            {
                return ApiErrors.Error(StatusCodes.Status400BadRequest, "give the revision to roll back to: ?revision=N (see the key's history)");
            }

            if (!TryParseFlag(allowDelete, out var mayDelete))
            {
                return ApiErrors.Error(StatusCodes.Status400BadRequest, "allowDelete must be true or false");
            }

            try
            {
                var result = await client.RollbackAsync(configKey, to, new NatsKvRollbackOptions { AllowDelete = mayDelete }, cancellationToken);
                var current = await client.GetAsync(configKey, cancellationToken);
                if (current is not null)
                {
                    SetETag(context, current.Revision);
                }

                return Results.Ok(new RollbackBody(configKey.Key, configKey.Path, to, current?.Revision, !result.Plan.IsEmpty, result.Plan.Removed.Count > 0));
            }
            catch (NatsKvRevisionConflictException conflict)
            {
                // Someone wrote the key between our read and our write: the rollback did not happen.
                return ApiErrors.Error(StatusCodes.Status409Conflict, conflict.Message, conflict.ActualRevision);
            }
        });

    /// <summary>The <c>value</c> of a JSON body of at most <see cref="MaxBodyBytes"/>, or the error to answer with.</summary>
    private static async Task<(string? Value, IResult? Error)> ReadValueAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return (null, TooLarge());
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return (null, TooLarge());
            }

            buffer.Write(chunk, 0, read);
        }

        try
        {
            using var document = JsonDocument.Parse(buffer.ToArray());
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("value", out var value))
            {
                return (null, ApiErrors.Error(StatusCodes.Status400BadRequest, "the body must be a JSON object with a \"value\": {\"value\": \"...\"}"));
            }

            return value.ValueKind == JsonValueKind.String
                ? (value.GetString(), null)
                : (null, ApiErrors.Error(StatusCodes.Status400BadRequest, "\"value\" must be a JSON string (write a JSON object as a string to store a section)"));
        }
        catch (JsonException exception)
        {
            return (null, ApiErrors.Error(StatusCodes.Status400BadRequest, $"the body is not valid JSON (line {exception.LineNumber + 1}, byte {exception.BytePositionInLine + 1})"));
        }
    }

    private static IResult TooLarge() => ApiErrors.Error(StatusCodes.Status413PayloadTooLarge, $"the body is larger than {MaxBodyBytes / 1024} KiB");

    /// <summary>The revision an <c>If-Match</c> asks for, or an error for one that is not <c>"N"</c>.</summary>
    private static (ulong Revision, IResult? Error)? ExpectedRevision(IList<EntityTagHeaderValue> ifMatch)
    {
        if (ifMatch.Count == 0)
        {
            return null;
        }

        var tag = ifMatch[0].Tag.ToString().Trim('"');
        return ifMatch.Count == 1 && !ifMatch[0].IsWeak && ulong.TryParse(tag, NumberStyles.None, CultureInfo.InvariantCulture, out var revision)
            ? (revision, null)
            : (0, ApiErrors.Error(StatusCodes.Status400BadRequest, "If-Match must be one strong ETag: the key's revision in quotes, e.g. \"12\""));
    }

    /// <summary>An optional query flag: absent is false; otherwise <c>true</c> or <c>false</c>, in any case.</summary>
    private static bool TryParseFlag(string? text, out bool value)
    {
        value = false;
        return string.IsNullOrEmpty(text) || bool.TryParse(text, out value);
    }

    private static void SetETag(HttpContext context, ulong revision) =>
        context.Response.Headers.ETag = $"\"{revision.ToString(CultureInfo.InvariantCulture)}\"";

    private static async Task<IResult> WithKeyAsync(HttpContext context, string key, NatsCall nats, ILogger logger, Func<NatsKvConfigKey, CancellationToken, Task<IResult>> action)
    {
        if (!NatsKvConfigKey.TryParse(RawKey(context) ?? key, out var configKey, out var error))
        {
            return ApiErrors.Error(StatusCodes.Status400BadRequest, error);
        }

        return await nats.RunAsync(logger, cancellationToken => action(configKey, cancellationToken), context.RequestAborted);
    }

    /// <summary>
    /// The key segment of the URL as sent, decoded once: the server leaves <c>%2F</c> encoded in the route value
    /// and decodes the rest, so that decoding the route value again would turn a path's <c>%41</c> into <c>A</c>.
    /// </summary>
    private static string? RawKey(HttpContext context)
    {
        var target = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(target))
        {
            return null;
        }

        var path = target.Split('?', 2)[0];
        var segments = path.Split('/');
        return segments.Length >= 3 && segments[1] == "config" ? Uri.UnescapeDataString(segments[2]) : null;
    }

    /// <summary>The logger category of the API.</summary>
    private sealed class Api;
}
