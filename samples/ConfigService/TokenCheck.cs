using System.Security.Cryptography;
using System.Text;

namespace ConfigService;

/// <summary>
/// Bearer tokens for reads and writes, compared in constant time. A missing or wrong token is 401; writes with no
/// write token configured are 403, with how to configure one.
/// </summary>
internal sealed class TokenCheck
{
    private readonly byte[]? _writeToken;
    private readonly byte[]? _readToken;

    public TokenCheck(ConfigServiceSettings settings)
    {
        _writeToken = Hash(settings.WriteToken);
        _readToken = Hash(settings.ReadToken);
    }

    public IResult? AuthorizeRead(HttpContext context)
    {
        if (_readToken is null)
        {
            return null;
        }

        var presented = Presented(context);
        return Matches(presented, _readToken) || Matches(presented, _writeToken)
            ? null
            : Unauthorized(presented is null ? "this service needs a token to read: send Authorization: Bearer <token>" : "the token is not valid");
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
            : Unauthorized(presented is null ? "writes need the write token: send Authorization: Bearer <token>" : "the token is not valid for writes");
    }

    private static IResult Unauthorized(string message) =>
        new WithHeader(ApiErrors.Error(StatusCodes.Status401Unauthorized, message), "WWW-Authenticate", "Bearer");

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
