using NatsKvConfig.IntegrationTests.Infrastructure;
using NatsKvConfig.Testing;

namespace NatsKvConfig.IntegrationTests.Cli;

public class ConnectionErrorTests : IAsyncLifetime
{
    private const string User = "operator";
    private const string Password = "pa55-for-cli-8d1e";
    private NatsServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await NatsServer.StartAsync(new NatsServerOptions { Username = User, Password = Password, ServerName = "cli-auth" });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task No_server_is_one_line_with_exit_code_1_and_no_stack_trace()
    {
        var port = FreePort();

        var line = (await CliRun.Async($"nats://127.0.0.1:{port}", "--timeout", "2s", "get", "cfg", "a")).Fails(1);

        Assert.Contains($"cannot talk to NATS at nats://127.0.0.1:{port}", line);
    }

    [Fact]
    public async Task User_and_password_from_options_or_environment_work()
    {
        await using var bucket = await TestBucket.CreateAsync(_server.ClientOpts);

        (await CliRun.Async(_server.Url, "--user", User, "--password", Password, "put", bucket.Name, "a", "1")).Ok();
        var env = new Dictionary<string, string> { ["NATS_URL"] = _server.Url, ["NATS_USER"] = User, ["NATS_PASSWORD"] = Password };
        var value = (await CliRun.Async(env, null, "get", bucket.Name, "a", "--raw")).Ok();

        Assert.Equal("1", value);
    }

    [Fact]
    public async Task A_wrong_password_is_reported_without_the_password_or_the_one_in_the_url()
    {
        await using var bucket = await TestBucket.CreateAsync(_server.ClientOpts);
        const string wrong = "wr0ng-pa55-c3f1";

        var viaOption = await CliRun.Async(_server.Url, "--user", User, "--password", wrong, "get", bucket.Name, "a");
        var viaUrl = await CliRun.Async($"nats://{User}:{wrong}@127.0.0.1:{_server.Port}", "get", bucket.Name, "a");

        Assert.Contains("authorization violation", viaOption.Fails(1));
        viaUrl.Fails(1);
        foreach (var run in new[] { viaOption, viaUrl })
        {
            Assert.DoesNotContain(wrong, run.Err + run.Out);
            Assert.DoesNotContain(Password, run.Err + run.Out);
        }
    }

    [Fact]
    public async Task Two_ways_to_authenticate_at_once_is_a_usage_error()
    {
        var line = (await CliRun.Async(_server.Url, "--user", User, "--password", Password, "--token", "t", "get", "cfg", "a")).Fails(1);

        Assert.Contains("more than one way to authenticate", line);
        Assert.DoesNotContain(Password, line);
    }

    [Fact]
    public async Task A_missing_credentials_file_is_named()
    {
        var line = (await CliRun.Async(_server.Url, "--creds", "/nonexistent/user.creds", "get", "cfg", "a")).Fails(1);

        Assert.Contains("'/nonexistent/user.creds'", line);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("put cfg")]
    [InlineData("get cfg a --revision soon")]
    public async Task A_usage_error_is_one_line_pointing_at_the_help(string commandLine)
    {
        var run = await CliRun.Async(_server.Url, commandLine.Split(' '));

        Assert.Contains("--help'", run.Fails(1));
        Assert.Empty(run.Out);
    }

    [Fact]
    public async Task The_installed_tool_runs_as_a_process_with_its_exit_codes()
    {
        await using var bucket = await TestBucket.CreateAsync(_server.ClientOpts);
        var (code, output, error) = await ToolProcess.RunAsync(["--user", User, "--password", Password, "-s", _server.Url, "get", bucket.Name, "missing"]);
        var (helpCode, help, _) = await ToolProcess.RunAsync(["--help"]);

        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.StartsWith("error: Key 'missing' has no value", error.Trim());
        Assert.Equal(0, helpCode);
        foreach (var command in new[] { "bucket", "put", "get", "ls", "del", "history", "rollback", "import", "export", "diff", "restore", "watch" })
        {
            Assert.Contains($"  {command}", help);
        }
    }


    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
