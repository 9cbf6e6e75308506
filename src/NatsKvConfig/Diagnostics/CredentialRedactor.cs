using System.Text.RegularExpressions;

namespace NatsKvConfig;

/// <summary>
/// Keeps credentials out of messages: NATS.Net names the URLs it tried, with the user (and a masked password)
/// when the URL carries them. Exceptions whose messages hold such a URL are replaced by copies without it.
/// </summary>
internal static partial class CredentialRedactor
{
    [GeneratedRegex(@"(?<scheme>[A-Za-z][A-Za-z0-9+.-]*://)[^/@\s,]+@", RegexOptions.CultureInvariant)]
    private static partial Regex UserInfo();

    /// <summary>Removes any <c>user:password@</c> part of URLs in <paramref name="text"/>.</summary>
    public static string Redact(string text) => UserInfo().Replace(text, "${scheme}");

    /// <summary>
    /// Returns <paramref name="exception"/> itself when no message in its chain names credentials, else a copy
    /// of the chain with them removed (keeping each original type's name in the message).
    /// </summary>
    public static Exception Redact(Exception exception)
    {
        if (!NamesCredentials(exception))
        {
            return exception;
        }

        var inner = exception.InnerException is { } cause ? Redact(cause) : null;
        return new NatsKvConfigurationException($"{exception.GetType().FullName}: {Redact(exception.Message)}", inner);
    }

    private static bool NamesCredentials(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (UserInfo().IsMatch(exception.Message))
            {
                return true;
            }
        }

        return false;
    }
}
