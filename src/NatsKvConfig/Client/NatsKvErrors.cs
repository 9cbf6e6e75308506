using NATS.Client.JetStream;

namespace NatsKvConfig;

/// <summary>The JetStream API error codes the client tells apart.</summary>
internal static class NatsKvErrors
{
    /// <summary>A stream could not be created; the description says why.</summary>
    public const int StreamCreateFailed = 10049;

    /// <summary>"stream not found": the bucket does not exist.</summary>
    public const int StreamNotFound = 10059;

    /// <summary>"wrong last sequence": a compare-and-swap failed.</summary>
    public const int WrongLastSequence = 10071;

    /// <summary>Whether <paramref name="exception"/>, or one of its causes, says the bucket's stream does not exist.</summary>
    public static bool IsStreamNotFound(Exception? exception) => exception switch
    {
        null => false,
        NatsJSApiException api => api.Error.ErrCode == StreamNotFound,
        _ => IsStreamNotFound(exception.InnerException),
    };
}
