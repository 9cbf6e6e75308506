namespace NatsKvConfig;

/// <summary>Formats server URLs for messages, leaving out credentials.</summary>
internal static class ServerList
{
    /// <summary>Returns the comma-separated URLs with any <c>user:password@</c> or token part removed.</summary>
    public static string WithoutCredentials(string urls)
    {
        var parts = urls.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            var schemeEnd = part.IndexOf("://", StringComparison.Ordinal);
            var hostStart = schemeEnd < 0 ? 0 : schemeEnd + 3;
            var at = part.LastIndexOf('@');
            if (at >= hostStart)
            {
                parts[i] = string.Concat(part.AsSpan(0, hostStart), part.AsSpan(at + 1));
            }
        }

        return string.Join(",", parts);
    }
}
