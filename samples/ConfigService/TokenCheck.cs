using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace ConfigService;

/// <summary>
/// Bearer tokens for reads and writes, compared in constant time. A missing or wrong token is 401 (counted and
/// logged, never the token); writes with no write token configured are 403, with how to configure one. Without a
/// read token, reads are served to loopback clients only, unless anonymous reads are allowed explicitly.
/// </summary>
internal sealed class TokenCheck
{
    private readonly byte[]? _writeToken;
    private readonly byte[]? _readToken;
    private readonly bool _allowAnonymousReads;
    private readonly ServiceMetrics _metrics;
    private readonly ILogger<TokenCheck> _logger;

    public TokenCheck(ConfigServiceSettings settings, ServiceMetrics metrics, ILogger<TokenCheck> logger)
    {
        _writeToken = Hash(settings.WriteToken);
        _readToken = Hash(settings.ReadToken);
        _allowAnonymousReads = settings.AllowAnonymousReads;
        _metrics = metrics;
        _logger = logger;
    }

    public IResult? AuthorizeRead(HttpContext context)
    {
        if (_readToken is null)
        {
            return _allowAnonymousReads || IsLoopback(context)
                ? null
                : ApiErrors.Error(
                    StatusCodes.Status403Forbidden,
                    "reads from other machines need a read token: set ConfigService__ReadToken (and send Authorization: Bearer <token>), or ConfigService__AllowAnonymousReads=true to serve everyone");
        }

        var presented = Presented(context);
        return Matches(presented, _readToken) || Matches(presented, _writeToken)
            ? null
            : Refuse(context, "read", presented, presented is null ? "this service needs a token to read: send Authorization: Bearer <token>" : "the token is not valid");
    }

    public IResult? AuthorizeWrite(HttpContext context)
    {
        if (_writeToken is null)
        {
            return ApiErrors.Error(
                StatusCodes.Status403Forbidden,
                "writes are disabled: set ConfigService:WriteToken (environment variable ConfigService__WriteToken) to a secret and send it as Authorization: Bearer <token>");
        }

        var presented = Presented(context);
        return Matches(presented, _writeToken)
            ? null
            : Refuse(context, "write", presented, presented is null ? "writes need the write token: send Authorization: Bearer <token>" : "the token is not valid for writes");
    }

    /// <summary>
    /// Who holds an <c>/events</c> stream, for its per-client cap: the token that was accepted, or, with none, the
    /// client's address. Call after <see cref="AuthorizeRead"/> accepted the request.
    /// </summary>
    public string ClientOf(HttpContext context)
    {
        var presented = Presented(context);
        return Matches(presented, _writeToken) ? "token:write"
            : Matches(presented, _readToken) ? "token:read"
            : "address:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
    }

    private IResult Refuse(HttpContext context, string access, byte[]? presented, string message)
    {
        var reason = presented is null ? "missing" : "invalid";
        _metrics.AuthFailed(access, reason);
        Log.TokenRefused(_logger, access, reason, context.Request.Method, context.Request.Path.Value ?? "", context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        return new WithHeader(ApiErrors.Error(StatusCodes.Status401Unauthorized, message), "WWW-Authenticate", "Bearer");
    }

    private static bool IsLoopback(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

    private static byte[]? Presented(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? Hash(header["Bearer ".Length..].Trim()) : null;
    }

    // Hashes first, so that the comparison takes as long whatever the lengths.
    private static byte[]? Hash(string? token) => token is { Length: > 0 } ? SHA256.HashData(Encoding.UTF8.GetBytes(token)) : null;

    private static bool Matches(byte[]? presented, byte[]? expected) =>
        presented is not null && expected is not null && CryptographicOperations.FixedTimeEquals(presented, expected);

    private sealed class WithHeader(IResult inner, string name, string value) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers[name] = value;
            return inner.ExecuteAsync(httpContext);
        }
    }
}
