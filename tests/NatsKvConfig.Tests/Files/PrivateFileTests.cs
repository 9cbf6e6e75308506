namespace NatsKvConfig.Tests.Files;

public sealed class PrivateFileTests : IDisposable
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly string _directory = Directory.CreateTempSubdirectory("nkc-private-file-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static void WriteText(string path, string text) =>
        PrivateFile.Write(path, stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(text)));

    private static string? Read(string path, long maxBytes, out string reason) =>
        PrivateFile.TryRead(path, maxBytes, out var bytes, out _, out reason) ? System.Text.Encoding.UTF8.GetString(bytes) : null;

    [Fact]
    public void A_written_file_is_read_back_and_on_Unix_is_0600_in_a_created_folder_of_0700()
    {
        var path = Path.Combine(_directory, "new", "deeper", "file");

        WriteText(path, "secret");

        Assert.Equal("secret", Read(path, 1024, out var reason));
        Assert.Equal(string.Empty, reason);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(_directory, "new")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
        }

        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!)); // no temporary file left
    }

    [Fact]
    public void Replacing_a_file_leaves_it_0600_and_a_failed_write_leaves_the_old_content_and_no_temporary_file()
    {
        var path = Path.Combine(_directory, "file");
        WriteText(path, "old");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        WriteText(path, "new");
        Assert.Equal("new", File.ReadAllText(path));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(path)); // the new file's mode, not the old one's
        }

        Assert.Throws<InvalidOperationException>(() => PrivateFile.Write(path, _ => throw new InvalidOperationException("writer failed")));
        Assert.Equal("new", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(_directory));
    }

    [Fact]
    public void A_target_that_is_a_symbolic_link_is_replaced_and_the_file_it_points_to_stays_untouched()
    {
        var elsewhere = Path.Combine(_directory, "elsewhere");
        File.WriteAllText(elsewhere, "not yours");
        var path = Path.Combine(_directory, "file");
        File.CreateSymbolicLink(path, elsewhere);

        WriteText(path, "export");

        Assert.Equal("not yours", File.ReadAllText(elsewhere));
        Assert.Null(new FileInfo(path).LinkTarget);
        Assert.Equal("export", File.ReadAllText(path));
    }

    [Fact]
    public void A_symbolic_link_is_refused_even_to_a_good_file()
    {
        var target = Path.Combine(_directory, "target");
        WriteText(target, "fine");
        var link = Path.Combine(_directory, "link");
        File.CreateSymbolicLink(link, target);

        Assert.Null(Read(link, 1024, out var reason));
        Assert.Contains("symbolic link", reason, StringComparison.Ordinal);
        Assert.Equal("fine", Read(target, 1024, out _));
    }

    [Fact]
    public void A_file_others_may_read_or_write_is_refused()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // modes are Unix only
        }

        var path = Path.Combine(_directory, "file");
        WriteText(path, "value");

        foreach (var extra in new[] { UnixFileMode.GroupRead, UnixFileMode.OtherRead, UnixFileMode.GroupWrite, UnixFileMode.OtherWrite })
        {
            File.SetUnixFileMode(path, OwnerReadWrite | extra);
            Assert.Null(Read(path, 1024, out var reason));
            Assert.Contains("group or others", reason, StringComparison.Ordinal);
        }

        File.SetUnixFileMode(path, UnixFileMode.UserRead);
        Assert.Equal("value", Read(path, 1024, out _)); // stricter than 0600 is fine
    }

    [Fact]
    public void A_file_larger_than_the_cap_is_refused_and_one_at_the_cap_is_read()
    {
        var path = Path.Combine(_directory, "file");
        WriteText(path, new string('x', 100));

        Assert.NotNull(Read(path, 100, out _));
        Assert.Null(Read(path, 99, out var reason));
        Assert.Contains("larger than the 99 bytes", reason, StringComparison.Ordinal);
    }

    // The size a file claims is only where reading starts: one that grew, shrank or claimed none reads whole.
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4_999)]
    [InlineData(5_000)]
    [InlineData(5_001)]
    [InlineData(100_000)]
    public void What_is_read_is_the_whole_content_whatever_size_was_claimed(long claimed)
    {
        var content = Enumerable.Range(0, 5_000).Select(i => (byte)i).ToArray();

        Assert.True(PrivateFile.TryReadBounded(new MemoryStream(content), claimed, 1_000_000, out var bytes, out var reason), reason);
        Assert.Equal(content, bytes);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1_000)]
    [InlineData(5_000)]
    public void Content_beyond_the_cap_is_refused_whatever_size_was_claimed(long claimed)
    {
        var content = new byte[5_000];

        Assert.False(PrivateFile.TryReadBounded(new MemoryStream(content), claimed, 4_999, out var bytes, out var reason));
        Assert.Null(bytes);
        Assert.Contains("larger than the 4999 bytes", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_device_or_a_link_to_one_is_refused_without_reading_it()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // no /dev/zero
        }

        var link = Path.Combine(_directory, "zero");
        File.CreateSymbolicLink(link, "/dev/zero");

        // Either would never end if read to the end.
        Assert.Null(Read("/dev/zero", 1024, out var deviceReason));
        Assert.Contains("not a regular file", deviceReason, StringComparison.Ordinal);
        Assert.Null(Read(link, 1024, out var linkReason));
        Assert.Contains("symbolic link", linkReason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_says_so()
    {
        Assert.False(PrivateFile.TryRead(Path.Combine(_directory, "none"), 1024, out _, out var missing, out _));
        Assert.True(missing);
    }

    [Fact]
    public void The_status_read_from_the_runtime_agrees_with_what_dotnet_reports()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        Assert.True(UnixFileStatus.IsAvailable);
        var path = Path.Combine(_directory, "file");
        WriteText(path, "12345");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);

        Assert.True(UnixFileStatus.TryGetOfPath(path, out var status, out _));
        Assert.True(status.IsRegularFile);
        Assert.False(status.IsSymbolicLink);
        Assert.Equal(5, status.Size);
        Assert.Equal(File.GetUnixFileMode(path), status.Mode);
        Assert.Equal(UnixFileStatus.EffectiveUser, status.Owner);
        Assert.False(UnixFileStatus.TryGetOfPath(Path.Combine(_directory, "none"), out _, out var missing));
        Assert.True(missing);
    }
}
