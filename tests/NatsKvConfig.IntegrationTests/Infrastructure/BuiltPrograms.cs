namespace NatsKvConfig.IntegrationTests.Infrastructure;

/// <summary>Programs of this repository as the solution build left them, to run as processes of their own.</summary>
internal static class BuiltPrograms
{
    /// <summary>
    /// The path of <paramref name="assemblyFileName"/> built from <paramref name="projectDirectory"/> (relative to the
    /// repository root) in this test run's configuration and target framework, in the project's own output folder,
    /// with its own dependencies. Fails the test, naming the path, if it was not built.
    /// </summary>
    public static string Find(string projectDirectory, string assemblyFileName)
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory); // tests/<project>/bin/<configuration>/<tfm>/
        var configuration = testBin.Parent!.Name;
        var root = testBin;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "NatsKvConfig.sln")))
        {
            root = root.Parent;
        }

        Assert.True(root is not null, $"no NatsKvConfig.sln above {AppContext.BaseDirectory}");
        var program = Path.Combine(root.FullName, projectDirectory, "bin", configuration, testBin.Name, assemblyFileName);
        Assert.True(File.Exists(program), $"{assemblyFileName} was not built at {program}: build the solution first");
        return program;
    }
}
