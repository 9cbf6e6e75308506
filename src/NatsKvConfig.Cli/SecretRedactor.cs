using System.Text.RegularExpressions;

namespace NatsKvConfig.Cli;

/// <summary>Removes credentials from text before it is printed: URL user info, and any secret given to this run.</summary>
internal static partial class SecretRedactor
{
    public static string RedactUrls(string text) => UrlUserInfo().Replace(text, "$1***@");

    public static string Redact(string text, IReadOnlyList<string> secrets)
    {
        text = RedactUrls(text);
        foreach (var secret in secrets)
        {
            text = text.Replace(secret, "***", StringComparison.Ordinal);
        }

        return text;
    }

    [GeneratedRegex(@"([A-Za-z][A-Za-z0-9+.\-]*://)[^@/\s,]+@")]
    private static partial Regex UrlUserInfo();
}
