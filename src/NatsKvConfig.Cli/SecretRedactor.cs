namespace NatsKvConfig.Cli;

/// <summary>Removes credentials from text before it is printed: URL user info, and any secret given to this run.</summary>
internal static class SecretRedactor
{
    public static string RedactUrls(string text) => CredentialRedactor.Redact(text);

    public static string Redact(string text, IReadOnlyList<string> secrets)
    {
        text = RedactUrls(text);
        foreach (var secret in secrets)
        {
            text = text.Replace(secret, "***", StringComparison.Ordinal);
        }

        return text;
    }
}
