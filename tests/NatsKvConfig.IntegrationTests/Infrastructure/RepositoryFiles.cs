namespace NatsKvConfig.IntegrationTests.Infrastructure;

/// <summary>Files of this repository (documentation a test checks), found from the test's own folder.</summary>
internal static class RepositoryFiles
{
    /// <summary>The full path of <paramref name="relativePath"/> under the repository root (the folder holding NatsKvConfig.sln).</summary>
    public static string Find(string relativePath)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "NatsKvConfig.sln")))
        {
            root = root.Parent;
        }

        Assert.True(root is not null, $"no NatsKvConfig.sln above {AppContext.BaseDirectory}");
        var path = Path.Combine(root.FullName, relativePath);
        Assert.True(File.Exists(path), $"{relativePath} does not exist at {path}");
        return path;
    }
}
