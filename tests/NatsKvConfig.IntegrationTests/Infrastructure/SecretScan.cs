using System.Text;

namespace NatsKvConfig.IntegrationTests.Infrastructure;

/// <summary>Collects everything a failing (or working) start-up showed: every log line and every exception text.</summary>
internal sealed class SecretScan
{
    private readonly StringBuilder _text = new();
    private int _sources;

    /// <summary>Every entry: message, exception type, message and <c>ToString()</c> (which includes inner exceptions).</summary>
    public SecretScan Add(CapturingLoggerProvider logs)
    {
        foreach (var entry in logs.Entries)
        {
            _text.AppendLine(entry.Everything);
            _sources++;
        }

        return this;
    }

    /// <summary>The exception's message, <c>ToString()</c> and the message of each inner exception.</summary>
    public SecretScan Add(Exception exception)
    {
        _text.AppendLine(exception.ToString());
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            _text.AppendLine(e.Message);
            if (e is NatsKvConfigurationException configurationException)
            {
                _text.AppendLine(configurationException.Servers);
            }
        }

        _sources++;
        return this;
    }

    public string Text => _text.ToString();

    /// <summary>Fails when <paramref name="secret"/> appears anywhere, showing the line it is in.</summary>
    public void AssertNowhere(string secret, int minimumSources = 1)
    {
        Assert.True(_sources >= minimumSources, $"Expected at least {minimumSources} log entries or exceptions to scan; there were {_sources}.");
        var text = Text;
        var at = text.IndexOf(secret, StringComparison.Ordinal);
        if (at >= 0)
        {
            var lineStart = text.LastIndexOf('\n', at) + 1;
            var lineEnd = text.IndexOf('\n', at);
            Assert.Fail($"The secret appears in: {text[lineStart..(lineEnd < 0 ? text.Length : lineEnd)]}");
        }
    }
}
