using NatsKvConfig.Cli;

namespace NatsKvConfig.Tests.Cli;

public class ErrorReporterTests
{
    public static TheoryData<Exception, int> Failures() => new()
    {
        { NatsKvConfigNotFoundException.BucketMissing("app", null), ExitCodes.NotFound },
        { NatsKvConfigNotFoundException.KeyMissing("app", "a"), ExitCodes.NotFound },
        { NatsKvConfigNotFoundException.RevisionAfterLast("app", "a", 120, 20), ExitCodes.NotFound },
        { NatsKvConfigNotFoundException.RevisionAfterLast("app", null, 120, 20), ExitCodes.NotFound },
        { new NatsKvHistoryLimitException("older than the history kept"), ExitCodes.NotFound },
        { NatsKvRevisionConflictException.NotAt("app", "a", 3, 4, null), ExitCodes.Conflict },
        { NatsKvRevisionConflictException.KeyExists("app", "a", 4), ExitCodes.Conflict },
        { new NatsKvRollbackWouldDeleteException("would delete"), ExitCodes.Conflict },
        { new NatsKvBucketSettingsException("refused"), ExitCodes.Error },
        { new ArgumentOutOfRangeException("toRevision", 0UL, "must not be 0"), ExitCodes.Error },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Each_exception_of_the_client_has_its_documented_exit_code(Exception exception, int exitCode)
    {
        var (code, message) = ErrorReporter.Classify(exception, "nats://localhost:4222");

        Assert.Equal(exitCode, code);
        Assert.StartsWith(exception.Message.Split(" (Parameter")[0], message, StringComparison.Ordinal);
    }

    [Fact]
    public void Revision_not_found_names_the_revision_and_the_bucket_s_last()
    {
        var (_, message) = ErrorReporter.Classify(NatsKvConfigNotFoundException.RevisionAfterLast("app", "a", 120, 20), "nats://localhost:4222");

        Assert.Equal("Revision 120 is newer than the last revision of NATS KV bucket 'app', 20.", message);
    }
}
