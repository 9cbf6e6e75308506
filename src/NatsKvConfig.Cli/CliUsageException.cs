namespace NatsKvConfig.Cli;

/// <summary>A command line that parsed but cannot be carried out as given (conflicting credentials, a missing file).</summary>
internal sealed class CliUsageException : Exception
{
    public CliUsageException(string message)
        : base(message)
    {
    }

    public CliUsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CliUsageException()
    {
    }
}
