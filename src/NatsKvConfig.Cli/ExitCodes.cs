namespace NatsKvConfig.Cli;

/// <summary>The tool's exit codes, as documented in docs/cli.md.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>A usage error (unknown option, bad value) or any other failure (no server, refused, I/O).</summary>
    public const int Error = 1;

    /// <summary>The bucket, the key, or the revision asked for does not exist (or is older than the history kept).</summary>
    public const int NotFound = 2;

    /// <summary>A compare-and-swap failed: the key is not at the expected revision (or exists when it must not).</summary>
    public const int Conflict = 3;
}
