namespace NatsKvConfig;

/// <summary>
/// Keeps credentials out of messages, the one place that knows where a URL's credentials end: NATS.Net names the
/// URLs it tried, with the user (and a masked password) when the URL carries them, and configured server lists
/// carry them as given. Exceptions whose messages hold such a URL are replaced by copies without it.
/// </summary>
/// <remarks>
/// A URL's credentials run from after <c>scheme://</c> to the <em>last</em> <c>@</c> of its authority: a password
/// may hold <c>@</c>, <c>,</c>, <c>/</c> (base64) or percent escapes, while a host holds none of <c>@</c>. The
/// authority is taken to end at whitespace or where the next URL's scheme begins, so a password is never cut
/// at a character it may contain; what cannot be told apart is removed rather than shown.
/// </remarks>
internal static class CredentialRedactor
{
    private const string SchemeSeparator = "://";

    /// <summary>Removes the <c>user:password@</c> or <c>token@</c> part of every URL in <paramref name="text"/>.</summary>
    public static string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var separator = text.IndexOf(SchemeSeparator, StringComparison.Ordinal);
        if (separator < 0 || text.IndexOf('@', separator) < 0)
        {
            return text;
        }

        var result = new System.Text.StringBuilder(text.Length);
        var copied = 0;
        while (separator >= 0)
        {
            var authorityStart = separator + SchemeSeparator.Length;
            var next = text.IndexOf(SchemeSeparator, authorityStart, StringComparison.Ordinal);
            var end = AuthorityEnd(text, authorityStart, next < 0 ? text.Length : SchemeStart(text, next));
            var at = text.LastIndexOf('@', end - 1, end - authorityStart);
            if (end > authorityStart && at >= authorityStart)
            {
                result.Append(text, copied, authorityStart - copied);
                copied = at + 1;
            }


            separator = next;
        }

        return copied == 0 ? text : result.Append(text, copied, text.Length - copied).ToString();
    }

    /// <summary>
    /// A configured server list (<c>nats://u:p@a:4222,nats://b:4222</c>, or entries without a scheme) with every
    /// credential removed. Without schemes, a comma in a password cannot be told from one between entries: an
    /// entry that might be part of a password is left out rather than shown.
    /// </summary>
    public static string RedactServerList(string urls)
    {
        ArgumentNullException.ThrowIfNull(urls);
        if (urls.Contains(SchemeSeparator, StringComparison.Ordinal) || !urls.Contains('@', StringComparison.Ordinal))
        {
            return Redact(urls);
        }

        var hosts = new List<string>();
        var parts = urls.Split(',');
        for (var i = 0; i < parts.Length; i++)
        {
            var at = parts[i].LastIndexOf('@');
            var laterCredentials = Array.FindIndex(parts, i + 1, part => part.Contains('@', StringComparison.Ordinal)) >= 0;
            if (at >= 0)
            {
                hosts.Add(parts[i][(at + 1)..].Trim());
            }
            else if (!laterCredentials)
            {
                hosts.Add(parts[i].Trim()); // no '@' follows: a whole entry, not a piece of a password
            }
        }

        return string.Join(",", hosts.Where(host => host.Length > 0));
    }

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
            if (!ReferenceEquals(Redact(exception.Message), exception.Message))
            {
                return true;
            }
        }

        return false;
    }

    // Where the authority starting at start ends: at whitespace or a quote, and no later than limit.
    private static int AuthorityEnd(string text, int start, int limit)
    {
        for (var i = start; i < limit; i++)
        {
            if (char.IsWhiteSpace(text[i]) || text[i] is '"' or '\'' or '<' or '>')
            {
                return i;
            }
        }

        return limit;
    }

    // Where the scheme whose "://" is at separator begins, so that the URL before it ends there.
    private static int SchemeStart(string text, int separator)
    {
        var start = separator;
        while (start > 0 && (char.IsAsciiLetterOrDigit(text[start - 1]) || text[start - 1] is '+' or '.' or '-'))
        {
            start--;
        }

        return start;
    }
}
