namespace NatsKvConfig.Testing;

/// <summary>Finds the nats-server binary to run: an explicit path, NATS_SERVER_BIN, then the usual places.</summary>
internal static class ServerBinaryLocator
{
    public const string BinaryVariable = "NATS_SERVER_BIN";

    /// <summary>
    /// Returns the binary's full path, or null when none is installed. An explicit path or
    /// NATS_SERVER_BIN that names no file throws: the caller asked for that binary, so falling
    /// back to another server would hide the mistake.
    /// </summary>
    public static string? Find(string? explicitPath)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return File.Exists(explicitPath)
                ? Path.GetFullPath(explicitPath)
                : throw new NatsServerNotFoundException($"The configured ServerBinaryPath '{explicitPath}' does not exist.");
        }

        var fromVariable = Environment.GetEnvironmentVariable(BinaryVariable);
        if (!string.IsNullOrWhiteSpace(fromVariable))
        {
            return File.Exists(fromVariable)
                ? Path.GetFullPath(fromVariable)
                : throw new NatsServerNotFoundException($"{BinaryVariable} is set to '{fromVariable}', which does not exist.");
        }

        var fileName = OperatingSystem.IsWindows() ? "nats-server.exe" : "nats-server";
        return SearchDirectories()
            .Select(directory => Path.Combine(directory, fileName))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>PATH first, then the places package managers and <c>go install</c> put it but PATH may lack.</summary>
    public static IEnumerable<string> SearchDirectories()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            yield return directory;
        }

        if (OperatingSystem.IsWindows())
        {
            yield break;
        }

        yield return "/usr/sbin";
        yield return "/usr/local/bin";
        yield return "/usr/bin";
        yield return "/opt/homebrew/bin";

        var goPath = Environment.GetEnvironmentVariable("GOPATH");
        if (!string.IsNullOrWhiteSpace(goPath))
        {
            yield return Path.Combine(goPath, "bin");
        }

        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (!string.IsNullOrEmpty(home))
        {
            yield return Path.Combine(home, "go", "bin");
        }
    }
}
