namespace NatsKvConfig.Tests.Locking;

public sealed class RenewalConflictTests
{
    private static readonly byte[] Ours = "ours"u8.ToArray();
    private static readonly byte[] Theirs = "theirs"u8.ToArray();

    private static LockKeyStore.Read Read(LockKeyStore.ReadKind kind, ulong revision, byte[]? value = null) =>
        new(kind, revision, DateTimeOffset.UnixEpoch, value ?? [], 0, null);

    [Theory]
    [InlineData(10UL, "Unknown")] // our own last write, as a lagging replica still shows it
    [InlineData(9UL, "Unknown")] // older still
    [InlineData(11UL, "Renewed")] // a later write of ours whose reply was lost
    public void Our_value_counts_as_renewed_only_at_a_revision_after_the_last_write(ulong revision, string verdict)
    {
        Assert.Equal(Enum.Parse<RenewalConflict.Verdict>(verdict), RenewalConflict.Judge(Read(LockKeyStore.ReadKind.Live, revision, Ours), 10, Ours));
    }

    [Fact]
    public void Another_value_or_a_delete_after_the_last_write_is_lost_and_at_or_before_it_is_unknown()
    {
        Assert.Equal(RenewalConflict.Verdict.Lost, RenewalConflict.Judge(Read(LockKeyStore.ReadKind.Live, 11, Theirs), 10, Ours));
        Assert.Equal(RenewalConflict.Verdict.Lost, RenewalConflict.Judge(Read(LockKeyStore.ReadKind.Deleted, 12), 10, Ours));
        Assert.Equal(RenewalConflict.Verdict.Unknown, RenewalConflict.Judge(Read(LockKeyStore.ReadKind.Live, 10, Theirs), 10, Ours));
        Assert.Equal(RenewalConflict.Verdict.Unknown, RenewalConflict.Judge(Read(LockKeyStore.ReadKind.Deleted, 7), 10, Ours));
    }

    [Fact]
    public void A_missing_key_is_lost_and_a_failed_read_unknown()
    {
        Assert.Equal(RenewalConflict.Verdict.Lost, RenewalConflict.Judge(Read(LockKeyStore.ReadKind.Missing, 0), 10, Ours));
        Assert.Equal(RenewalConflict.Verdict.Unknown, RenewalConflict.Judge(Read(LockKeyStore.ReadKind.Failed, 0), 10, Ours));
    }

    [Fact]
    public void A_lease_s_loss_deadline_counts_from_the_last_write_and_a_shorter_lease_can_be_past_it_already()
    {
        var six = LockLease.Of("b", TimeSpan.FromSeconds(6));
        var three = LockLease.Of("b", TimeSpan.FromSeconds(3));

        Assert.Equal(TimeSpan.FromSeconds(3), six.UntilLossDeadline(TimeSpan.FromSeconds(2))); // 6 − 1 − 2
        Assert.Equal(TimeSpan.FromSeconds(0.5), three.UntilLossDeadline(TimeSpan.FromSeconds(2))); // 3 − 0.5 − 2
        Assert.True(LockLease.Of("b", TimeSpan.FromSeconds(1)).UntilLossDeadline(TimeSpan.FromSeconds(2)) < TimeSpan.Zero);
        Assert.True(six.SameAs(LockLease.Of("other", TimeSpan.FromSeconds(6))));
        Assert.False(six.SameAs(three));
        Assert.False(six.SameAs(LockLease.Of("b", TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(6))));
    }
}
