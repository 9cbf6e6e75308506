using System.Text.Json;
using NatsKvConfig.IntegrationTests.Infrastructure;

namespace NatsKvConfig.IntegrationTests.Cli;

/// <summary><c>export -o</c> run as a process: the file holds secrets, so it is written as the snapshot is.</summary>
public sealed class ExportFileTests : IDisposable
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly string _directory = Directory.CreateTempSubdirectory("nkc-cli-export-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static async Task<TestBucket> BucketWithSecretAsync()
    {
        var bucket = await TestBucket.CreateAsync((await SharedNatsServer.GetAsync()).Url);
        await bucket.PutAsync("db.password", "s3cret");
        return bucket;
    }

    private static async Task ExportAsync(TestBucket bucket, string file)
    {
        var (code, _, err) = await ToolProcess.RunAsync(["export", bucket.Name, "-o", file], new Dictionary<string, string> { ["NATS_URL"] = bucket.Url });
        Assert.True(code == 0, $"exit code {code}: {err}");
        Assert.Contains($"to {file}", err, StringComparison.Ordinal);
    }

    private static string PasswordIn(string file) =>
        JsonDocument.Parse(File.ReadAllText(file)).RootElement.GetProperty("db").GetProperty("password").GetString()!;

    [Fact]
    public async Task A_new_export_file_is_0600_and_no_temporary_file_is_left()
    {
        await using var bucket = await BucketWithSecretAsync();
        var file = Path.Combine(_directory, "out.json");

        await ExportAsync(bucket, file);

        Assert.Equal("s3cret", PasswordIn(file));
        Assert.Equal([file], Directory.GetFiles(_directory));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public async Task Replacing_an_export_leaves_it_0600_whatever_mode_the_old_file_had()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // modes are Unix only
        }

        await using var bucket = await BucketWithSecretAsync();
        var file = Path.Combine(_directory, "out.json");
        foreach (var oldMode in new[] { OwnerReadWrite, OwnerReadWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead })
        {
            File.WriteAllText(file, "old");
            File.SetUnixFileMode(file, oldMode);

            await ExportAsync(bucket, file);

            Assert.Equal("s3cret", PasswordIn(file));
            Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public async Task A_target_that_is_a_symbolic_link_is_replaced_by_the_export_and_the_file_it_points_to_is_untouched()
    {
        await using var bucket = await BucketWithSecretAsync();
        var elsewhere = Path.Combine(_directory, "elsewhere.txt");
        File.WriteAllText(elsewhere, "someone else's file");
        var file = Path.Combine(_directory, "out.json");
        File.CreateSymbolicLink(file, elsewhere);

        await ExportAsync(bucket, file);

        Assert.Equal("someone else's file", File.ReadAllText(elsewhere));
        Assert.Null(new FileInfo(file).LinkTarget);
        Assert.Equal("s3cret", PasswordIn(file));
    }
}
