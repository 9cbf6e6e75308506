using System.Net.Sockets;
using System.Text.Json;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace NatsKvConfig.Cli;

/// <summary>
/// Turns a failure into an exit code and one line on standard error: never a stack trace, never a secret.
/// </summary>
internal static class ErrorReporter
{
    public static int Report(Exception exception, TextWriter error, IReadOnlyList<string> secrets, string displayUrl)
    {
        var (code, message) = Classify(exception, displayUrl);
        var line = Output.TerminalText.Escape(SecretRedactor.Redact(message, secrets).ReplaceLineEndings(" ").Trim());
        error.WriteLine($"error: {line}");
        return code;
    }

    internal static (int Code, string Message) Classify(Exception exception, string displayUrl) => exception switch
    {
        NatsKvConfigNotFoundException e => (ExitCodes.NotFound, e.Message),
        NatsKvHistoryLimitException e => (ExitCodes.NotFound, e.Message),
        NatsKvRevisionConflictException e => (ExitCodes.Conflict, e.Message),
        NatsKvRollbackWouldDeleteException e => (ExitCodes.Conflict, $"{e.Message} Give --allow-delete to delete it."),
        NatsKvConfigClientException e => (ExitCodes.Error, e.Message),
        CliUsageException e => (ExitCodes.Error, e.Message),
        ArgumentException e => (ExitCodes.Error, WithoutParameterSuffix(e)),
        JsonException e => (ExitCodes.Error, $"not valid JSON: {e.Message}"),
        FormatException e => (ExitCodes.Error, e.Message),
        FileNotFoundException e => (ExitCodes.Error, $"the file '{e.FileName}' does not exist"),
        DirectoryNotFoundException e => (ExitCodes.Error, e.Message),
        UnauthorizedAccessException e => (ExitCodes.Error, e.Message),
        IOException e => (ExitCodes.Error, e.Message),
        NatsNoRespondersException => (ExitCodes.Error, $"nobody answered the JetStream request at {displayUrl}: is JetStream enabled on the server (nats-server -js)?"),
        NatsJSApiException e => (ExitCodes.Error, $"the server refused: {e.Error.Description} (error {e.Error.ErrCode})"),
        NatsJSTimeoutException or TimeoutException or NatsJSApiNoResponseException => (ExitCodes.Error, $"the server at {displayUrl} did not answer in time (--timeout)"),
        NatsException e => (ExitCodes.Error, $"cannot talk to NATS at {displayUrl}: {Innermost(e)}"),
        OperationCanceledException => (ExitCodes.Error, "cancelled"),
        _ => (ExitCodes.Error, $"{exception.GetType().Name}: {exception.Message}"),
    };

    private static string Innermost(Exception exception)
    {
        var reason = exception;
        while (reason.InnerException is { } inner)
        {
            reason = inner;
        }

        return reason switch
        {
            SocketException socket => socket.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "connection refused (is nats-server running there?)",
                SocketError.HostNotFound or SocketError.NoData => "host not found",
                SocketError.TimedOut => "timed out",
                _ => socket.Message,
            },
            _ when reason.Message.Contains("authorization violation", StringComparison.OrdinalIgnoreCase) => "authorization violation (check the user, password, token, creds or nkey)",
            _ when reason.Message.StartsWith("can not connect", StringComparison.OrdinalIgnoreCase) => "no server answered (is nats-server running there, and is the URL right?)",
            _ => reason.Message,
        };
    }

    private static string WithoutParameterSuffix(ArgumentException exception)
    {
        var message = exception.Message;
        var suffix = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
        return suffix > 0 ? message[..suffix] : message;
    }
}
