using System.Text;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;
using NatsKvConfig.IntegrationTests.Infrastructure;
using NatsKvConfig.Testing;

namespace NatsKvConfig.IntegrationTests.Security;

/// <summary>
/// The least a NATS user needs to read a bucket with this provider (docs/security.md), checked against the
/// server: with all of it the provider loads and follows changes without a single permission violation; without
/// any one part start-up fails, and the server names the part that was missing; and the user cannot write.
/// </summary>
public class ReadOnlyUserTests(ReadOnlyUserTests.Server server) : IClassFixture<ReadOnlyUserTests.Server>
{
    private const string Password = "reader-pa55";

    [Theory]
    [InlineData(Server.Reader, Server.OwnInbox)]
    [InlineData(Server.ReaderWithSharedInbox, "_INBOX")]
    public async Task A_read_only_user_loads_a_bucket_large_enough_for_flow_control_and_receives_live_changes(string user, string inboxPrefix)
    {
        var before = server.ViolationsOf(user).Count;
        var opts = server.OptsFor(user, inboxPrefix);

        using (var root = ProviderHarness.Build(server.Bucket.Name, opts.Url, source => source.NatsOpts = opts))
        {
            Assert.Equal(Server.BulkValue, root[$"bulk:k{Server.BulkKeys - 1}"]);
            var value = "changed-for-" + user;
            await server.Bucket.PutAsync("live", value);
            await Eventually.TrueAsync(() => root["live"] == value, $"user {user} receives the change");
        }

        Assert.Equal(before, server.ViolationsOf(user).Count);
        Assert.True(server.FlowControlRepliesOf(user) > 0, "the bucket is large enough for the server to ask for flow control replies");
    }

    [Theory]
    [InlineData("no-stream-info", "$JS.API.STREAM.INFO.KV_")]
    [InlineData("no-msg-get", "$JS.API.STREAM.MSG.GET.KV_")]
    [InlineData("no-consumer-create", "$JS.API.CONSUMER.CREATE.KV_")]
    [InlineData("no-flow-control", "$JS.FC.KV_")]
    [InlineData("no-inbox", Server.OwnInbox)]
    public void Without_any_one_permission_of_the_set_start_up_fails_and_the_server_names_the_missing_one(string user, string deniedSubject)
    {
        var opts = server.OptsFor(user, Server.OwnInbox);

        var exception = Assert.Throws<NatsKvConfigurationException>(() =>
            ProviderHarness.Build(server.Bucket.Name, opts.Url, source =>
            {
                source.NatsOpts = opts;
                source.StartupTimeout = TimeSpan.FromSeconds(3);
            }));

        Assert.Equal(server.Bucket.Name, exception.Bucket);
        Assert.Contains(server.ViolationsOf(user), line => line.Contains($"Subject \"{deniedSubject}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_read_only_user_cannot_put_delete_or_remove_the_bucket()
    {
        await server.Bucket.PutAsync("guarded", "original");
        var connection = new NatsConnection(server.OptsFor(Server.Reader, Server.OwnInbox) with { RequestTimeout = TimeSpan.FromSeconds(1) });
        await using (connection)
        {
            var kv = new NatsKVContext(new NatsJSContext(connection));
            var store = await kv.GetStoreAsync(server.Bucket.Name);

            await Assert.ThrowsAnyAsync<NatsException>(async () => await store.PutAsync("guarded", Encoding.UTF8.GetBytes("overwritten")));
            await Assert.ThrowsAnyAsync<NatsException>(async () => await store.DeleteAsync("guarded"));
            await Assert.ThrowsAnyAsync<NatsException>(async () => await kv.DeleteStoreAsync(server.Bucket.Name));
        }

        var entry = await server.Bucket.Store.GetEntryAsync<string>("guarded");
        Assert.Equal("original", entry.Value);
        Assert.Contains(server.ViolationsOf(Server.Reader), line => line.Contains($"Subject \"$KV.{server.Bucket.Name}.guarded\"", StringComparison.Ordinal));
    }

    /// <summary>One server with an admin and several readers, each given the minimal set or all of it but one part, and a bucket of a few MB.</summary>
    public sealed class Server : IAsyncLifetime
    {
        public const string Reader = "reader";
        public const string ReaderWithSharedInbox = "reader-shared-inbox";
        public const string OwnInbox = "_INBOX_cfg_reader";
        public const int BulkKeys = 4000;
        public static readonly string BulkValue = new('x', 1024);

        private const string AdminPassword = "admin-pa55";
        private readonly CapturingLoggerProvider _serverLog = new();
        private readonly string _bucketName = BucketNames.Unique("ro");
        private NatsServer _server = null!;

        internal TestBucket Bucket { get; private set; } = null!;

        public NatsOpts OptsFor(string user, string inboxPrefix) => NatsOpts.Default with
        {
            Url = _server.Url,
            InboxPrefix = inboxPrefix,
            AuthOpts = new NatsAuthOpts { Username = user, Password = Password },
        };

        /// <summary>The permission violations the server logged for <paramref name="user"/>.</summary>
        public IReadOnlyList<string> ViolationsOf(string user) =>
            [.. _serverLog.Entries.Select(e => e.Message).Where(m => m.Contains("Violation", StringComparison.Ordinal) && m.Contains($"User \"{user}\"", StringComparison.Ordinal))];

        /// <summary>How many flow-control replies the server traced from <paramref name="user"/>'s connections.</summary>
        public int FlowControlRepliesOf(string user)
        {
            // The trace names the connection id on CONNECT (with the user) and on each PUB.
            var lines = _serverLog.Entries.Select(e => e.Message).ToList();
            var ids = lines.Where(l => l.Contains("CONNECT {", StringComparison.Ordinal) && l.Contains($"\"user\":\"{user}\"", StringComparison.Ordinal))
                .Select(ConnectionId).ToHashSet(StringComparer.Ordinal);
            return lines.Count(l => l.Contains("<<- [PUB $JS.FC.", StringComparison.Ordinal) && ids.Contains(ConnectionId(l)));
        }

        public async Task InitializeAsync()
        {
            _server = await NatsServer.StartAsync(new NatsServerOptions
            {
                ServerName = "read-only",
                ConfigurationText = Configuration(_bucketName),
                ClientAuth = new NatsAuthOpts { Username = "admin", Password = AdminPassword },
                ExtraArguments = { "-V" }, // protocol trace: which PUBs each connection made
                Logger = _serverLog.CreateFactory().CreateLogger("nats-server"),
            });
            Bucket = await TestBucket.CreateAsync(_server.ClientOpts, name: _bucketName);
            await Task.WhenAll(Enumerable.Range(0, BulkKeys).Select(i => Bucket.PutAsync($"bulk.k{i}", BulkValue).AsTask()));
        }

        public async Task DisposeAsync()
        {
            await Bucket.DisposeAsync();
            await _server.DisposeAsync();
        }

        /// <summary>The minimal set of docs/security.md for <paramref name="bucket"/>, and one user per part left out.</summary>
        private static string Configuration(string bucket)
        {
            (string Name, string Subject)[] publish =
            [
                ("no-stream-info", $"$JS.API.STREAM.INFO.KV_{bucket}"),
                ("no-msg-get", $"$JS.API.STREAM.MSG.GET.KV_{bucket}"),
                ("no-consumer-create", $"$JS.API.CONSUMER.CREATE.KV_{bucket}.>"),
                ("no-flow-control", $"$JS.FC.KV_{bucket}.>"),
            ];

            // An empty allow list would allow everything: the user without its inbox may subscribe elsewhere only.
            string User(string name, string? omit, string inbox) =>
                $$"""
                    { user: "{{name}}", password: "{{Password}}", permissions: {
                        publish: { allow: [{{string.Join(", ", publish.Where(p => p.Name != omit).Select(p => $"\"{p.Subject}\""))}}] }
                        subscribe: { allow: ["{{(omit == "no-inbox" ? "_INBOX_someone_else" : inbox)}}.>"] }
                      } }
                """;

            var users = new List<string>
            {
                $"    {{ user: admin, password: \"{AdminPassword}\" }}",
                User(Reader, null, OwnInbox),
                User(ReaderWithSharedInbox, null, "_INBOX"),
                User("no-inbox", "no-inbox", OwnInbox),
            };
            users.AddRange(publish.Select(p => User(p.Name, p.Name, OwnInbox)));
            return $"authorization {{\n  users = [\n{string.Join('\n', users)}\n  ]\n}}\n";
        }

        private static string ConnectionId(string line)
        {
            var start = line.IndexOf(" - cid:", StringComparison.Ordinal);
            if (start < 0)
            {
                return string.Empty;
            }

            var end = line.IndexOf(' ', start + 7);
            return end < 0 ? line[start..] : line[start..end];
        }
    }
}
