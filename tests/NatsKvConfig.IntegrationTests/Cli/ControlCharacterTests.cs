using System.Text.Json;
using NatsKvConfig.IntegrationTests.Infrastructure;

namespace NatsKvConfig.IntegrationTests.Cli;

/// <summary>A value holding a terminal escape sequence is shown, never obeyed; <c>--json</c> keeps it exact.</summary>
public sealed class ControlCharacterTests
{
    private const string Hostile = "before\u001b[31mred\u001b]0;title\u0007\u009b2J\u202Eafter";
    private const string Shown = "before\\u001b[31mred\\u001b]0;title\\u0007\\u009b2J\\u202eafter";

    private static void AssertNoRawControls(string output)
    {
        Assert.DoesNotContain(output, c => c < ' ' && c is not '\n' and not '\t' and not '\r' || c is >= '\u007f' and <= '\u009f' || c == '\u202E');
    }

    [Fact]
    public async Task Get_ls_and_history_show_control_characters_as_escapes()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("app.banner", Hostile);

        foreach (var args in new[] { new[] { "get", bucket.Name, "app:banner" }, ["ls", bucket.Name], ["history", bucket.Name, "app:banner"] })
        {
            var output = (await CliRun.Async(server.Url, args)).Ok();

            AssertNoRawControls(output);
            Assert.Contains(Shown, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_diff_shows_control_characters_in_old_and_new_values_as_escapes()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("app.banner", Hostile);
        var file = Path.Combine(Directory.CreateTempSubdirectory("nkc-cli-controls-").FullName, "in.json");
        try
        {
            File.WriteAllText(file, """{"app": {"banner": "new\u001b[2Jvalue"}}""");

            var output = (await CliRun.Async(server.Url, "diff", bucket.Name, file)).Ok();

            AssertNoRawControls(output);
            Assert.Contains(Shown, output, StringComparison.Ordinal);
            Assert.Contains("new\\u001b[2Jvalue", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
        }
    }

    [Fact]
    public async Task Json_output_and_get_raw_keep_the_value_exact()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("app.banner", Hostile);

        using var got = JsonDocument.Parse((await CliRun.Async(server.Url, "--json", "get", bucket.Name, "app:banner")).Ok());
        using var listed = JsonDocument.Parse((await CliRun.Async(server.Url, "--json", "ls", bucket.Name)).Ok());
        var raw = (await CliRun.Async(server.Url, "get", bucket.Name, "app:banner", "--raw")).Ok();

        Assert.Equal(Hostile, got.RootElement.GetProperty("value").GetString());
        Assert.Equal(Hostile, Assert.Single(listed.RootElement.EnumerateArray()).GetProperty("value").GetString());
        Assert.Equal(Hostile, raw);
    }
}
