using Syncplane.Engine;
using Syncplane.Planning;
using Syncplane.Storage;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Storage;

/// <summary>
/// What every <see cref="ISyncStore"/> must do. A store implementation gets these tests by
/// deriving a class that says how to open a store on a fresh, empty database.
/// </summary>
public abstract partial class SyncStoreContractTests : IAsyncLifetime
{
    private readonly List<ISyncStore> _opened = [];

    /// <summary>
    /// Sub-millisecond start time: timestamps must round-trip to the microsecond, the resolution
    /// every store keeps (PostgreSQL's <c>timestamptz</c>; see <see cref="Timestamps_AreKeptToTheMicrosecond"/>).
    /// </summary>
    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero).AddTicks(1_234_560));

    protected ISyncStore Store { get; private set; } = null!;

    protected static CancellationToken Ct => CancellationToken.None;

    /// <summary>Opens a store on this test's database; called more than once to model another process.</summary>
    protected abstract ISyncStore OpenStore();

    /// <summary>
    /// After migration 2 on a version-1 database holding runs docs (running), docs (running), docs
    /// (succeeded) and other (running): all but the newest running run of a target are cancelled as abandoned.
    /// </summary>
    protected static async Task AssertVersion1RunsUpgradedAsync(ISyncStore store)
    {
        var runs = (await store.ListRunsAsync(new RunQuery(), Ct)).OrderBy(r => r.Id).ToList();
        Assert.Equal([RunStatus.Cancelled, RunStatus.Running, RunStatus.Succeeded, RunStatus.Running], runs.Select(r => r.Status));
        Assert.Contains("abandoned", runs[0].Message, StringComparison.Ordinal);
        Assert.Equal(runs[0].StartedAt, runs[0].FinishedAt);
        Assert.Equal(["cli"], runs[0].Triggers);
        Assert.All(runs, r => Assert.Equal(r.QueuedAt, r.NotBefore));
        Assert.All(runs, r => Assert.Equal(0L, r.Fence));
        await Assert.ThrowsAsync<TargetAlreadyRunningException>(() => store.StartRunAsync(new NewRun("docs", "cli", "pull", false), Ct));
    }

    public async Task InitializeAsync()
    {
        Store = Open();
        await Store.MigrateAsync(Ct);
    }

    public virtual async Task DisposeAsync()
    {
        foreach (var store in _opened)
        {
            await store.DisposeAsync();
        }
    }

    protected ISyncStore Open()
    {
        var store = OpenStore();
        _opened.Add(store);
        return store;
    }

    [Fact]
    public async Task MigrateAsync_RunTwice_IsHarmlessAndKeepsData()
    {
        var id = await Store.StartRunAsync(new NewRun("docs", "cli", "pull", false), Ct);

        await Store.MigrateAsync(Ct);
        await Open().MigrateAsync(Ct);

        Assert.NotNull(await Store.GetRunAsync(id, Ct));
    }

    [Fact]
    public async Task StartRunAsync_RecordsARunningRunQueuedAndStartedNow()
    {
        var first = await Store.StartRunAsync(new NewRun("docs", "schedule", "push", true, Attempt: 2), Ct);
        var second = await Store.StartRunAsync(new NewRun("other", "schedule", "push", true), Ct);

        var run = await Store.GetRunAsync(first, Ct);
        Assert.NotNull(run);
        Assert.True(second > first);
        Assert.Equal(RunStatus.Running, run.Status);
        Assert.Equal(("docs", "schedule", "push", true, 2), (run.Target, run.Trigger, run.Direction, run.DryRun, run.Attempt));
        Assert.Equal(Time.UtcNow, run.QueuedAt);
        Assert.Equal(Time.UtcNow, run.StartedAt);
        Assert.Null(run.FinishedAt);
        Assert.Null(run.Message);
        Assert.Null(run.Summary);
        Assert.Null(run.VerificationPassed);
        Assert.Empty(run.OutputsCreated);
    }

    [Fact]
    public async Task StartRunAsync_TargetAlreadyRunning_ThrowsNamingTheRunningRun()
    {
        var running = await Store.StartRunAsync(new NewRun("docs", "cli", "pull", false), Ct);

        var error = await Assert.ThrowsAsync<TargetAlreadyRunningException>(() => Open().StartRunAsync(new NewRun("docs", "cli", "pull", false), Ct));

        Assert.Contains($"target docs is already running (run {running}, started by ", error.Message, StringComparison.Ordinal);
        Assert.Equal(running, error.Running?.Id);
        await Store.CompleteRunAsync(running, new RunCompletion { Status = RunStatus.Succeeded, Message = "ok" }, Ct);
        Assert.True(await Store.StartRunAsync(new NewRun("docs", "cli", "pull", false), Ct) > running);
    }

    [Fact]
    public async Task CompleteRunAsync_EveryFieldRoundTrips()
    {
        var started = Time.UtcNow;
        var id = await Store.StartRunAsync(new NewRun("lz-docs", "webhook", "bidirectional", false, 3), Ct);
        Time.Advance(TimeSpan.FromSeconds(42.5));
        await Store.CompleteRunAsync(id, new RunCompletion
        {
            Status = RunStatus.Succeeded,
            Message = "synced 7 items — ünïcode ok",
            Summary = new PlanSummary(3, 2, 1, 99, 5_000_000_000),
            SourceRevision = "0123456789abcdef0123456789abcdef01234567",
            VerificationPassed = true,
            OutputsCreated = ["docs/runtime/apps truth.json", "docs/\"quoted\".md"],
            CommitSha = "fedcba9876543210fedcba9876543210fedcba98",
        }, Ct);

        var run = await Store.GetRunAsync(id, Ct);

        Assert.NotNull(run);
        Assert.Equal(id, run.Id);
        Assert.Equal(("lz-docs", "webhook", "bidirectional", false, 3), (run.Target, run.Trigger, run.Direction, run.DryRun, run.Attempt));
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(started, run.QueuedAt);
        Assert.Equal(started, run.StartedAt);
        Assert.Equal(Time.UtcNow, run.FinishedAt);
        Assert.Equal(TimeSpan.FromSeconds(42.5), run.Duration);
        Assert.Equal("synced 7 items — ünïcode ok", run.Message);
        Assert.Equal(new PlanSummary(3, 2, 1, 99, 5_000_000_000), run.Summary);
        Assert.Equal("0123456789abcdef0123456789abcdef01234567", run.SourceRevision);
        Assert.True(run.VerificationPassed);
        Assert.Equal(["docs/runtime/apps truth.json", "docs/\"quoted\".md"], run.OutputsCreated);
        Assert.Equal("fedcba9876543210fedcba9876543210fedcba98", run.CommitSha);
    }

    [Fact]
    public async Task CompleteRunAsync_WithoutOptionalFields_StoresNulls()
    {
        var id = await Store.StartRunAsync(new NewRun("t", "cli", "pull", false), Ct);
        await Store.CompleteRunAsync(id, new RunCompletion { Status = RunStatus.Refused, Message = "max_delete: 60% > 10%", VerificationPassed = false }, Ct);

        var run = await Store.GetRunAsync(id, Ct);

        Assert.NotNull(run);
        Assert.Equal(RunStatus.Refused, run.Status);
        Assert.Null(run.Summary);
        Assert.Null(run.SourceRevision);
        Assert.False(run.VerificationPassed);
        Assert.Empty(run.OutputsCreated);
        Assert.Null(run.CommitSha);
    }

    [Fact]
    public async Task CompleteRunAsync_UnknownRun_Throws() =>
        await Assert.ThrowsAsync<KeyNotFoundException>(() =>
            Store.CompleteRunAsync(424242, new RunCompletion { Status = RunStatus.Failed, Message = "x" }, Ct));

    [Fact]
    public async Task CompleteRunAsync_NonFinalStatus_Throws()
    {
        var id = await Store.StartRunAsync(new NewRun("t", "cli", "pull", false), Ct);
        await Assert.ThrowsAsync<ArgumentException>(() =>
            Store.CompleteRunAsync(id, new RunCompletion { Status = RunStatus.Running, Message = "x" }, Ct));
    }

    [Fact]
    public async Task GetRunAsync_UnknownRun_ReturnsNull() => Assert.Null(await Store.GetRunAsync(987654, Ct));

    [Fact]
    public async Task AppendLogAsync_KeepsOrderAcrossCallsAndRuns()
    {
        var a = await Store.StartRunAsync(new NewRun("a", "cli", "pull", false), Ct);
        var b = await Store.StartRunAsync(new NewRun("b", "cli", "pull", false), Ct);
        var t0 = Time.UtcNow;
        await Store.AppendLogAsync(a, [new(t0, LogLevel.Info, "one"), new(t0, LogLevel.Warning, "two")], Ct);
        await Store.AppendLogAsync(b, [new(t0, LogLevel.Info, "other run")], Ct);
        await Store.AppendLogAsync(a, [], Ct);
        await Store.AppendLogAsync(a, [new(t0.AddMilliseconds(1.5), LogLevel.Error, "three\nwith a newline")], Ct);

        var log = await Store.GetLogAsync(a, Ct);

        Assert.Equal(
            [new(t0, LogLevel.Info, "one"), new(t0, LogLevel.Warning, "two"), new(t0.AddMilliseconds(1.5), LogLevel.Error, "three\nwith a newline")],
            log);
        Assert.Equal([new LogLine(t0, LogLevel.Info, "other run")], await Store.GetLogAsync(b, Ct));
        Assert.Empty(await Store.GetLogAsync(987654, Ct));
    }

    [Fact]
    public async Task Timestamps_AreKeptToTheMicrosecond()
    {
        var precise = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero).AddTicks(9_876_543);
        var microseconds = precise.AddTicks(-3);
        Time.UtcNow = precise;
        var id = await Store.StartRunAsync(new NewRun("t", "cli", "pull", false), Ct);
        await Store.AppendLogAsync(id, [new(precise.ToOffset(TimeSpan.FromHours(2)), LogLevel.Info, "x")], Ct);

        Assert.Equal(microseconds, (await Store.GetRunAsync(id, Ct))?.QueuedAt);
        Assert.Equal(TimeSpan.Zero, (await Store.GetRunAsync(id, Ct))?.QueuedAt.Offset);
        var line = Assert.Single(await Store.GetLogAsync(id, Ct));
        Assert.Equal((microseconds, TimeSpan.Zero), (line.At, line.At.Offset));
        Assert.Equal([id], (await Store.ListRunsAsync(new RunQuery(Since: precise), Ct)).Select(r => r.Id));
    }

    [Fact]
    public async Task AppendLogAsync_ConcurrentAppendsToOneRun_KeepEachCallsLinesTogetherAndInOrder()
    {
        var id = await Store.StartRunAsync(new NewRun("t", "cli", "pull", false), Ct);
        var writers = Enumerable.Range(0, 4).Select(w => w % 2 == 0 ? Store : Open()).ToList();

        await Task.WhenAll(writers.Select((store, w) => Task.Run(async () =>
        {
            for (var call = 0; call < 10; call++)
            {
                await store.AppendLogAsync(id, [new(Time.UtcNow, LogLevel.Info, $"{w}/{call}/a"), new(Time.UtcNow, LogLevel.Info, $"{w}/{call}/b")], Ct);
            }
        })));

        var messages = (await Store.GetLogAsync(id, Ct)).Select(l => l.Message).ToList();
        Assert.Equal(80, messages.Count);
        for (var i = 0; i < messages.Count; i += 2)
        {
            Assert.Equal(messages[i][..^1] + "b", messages[i + 1]);
        }

        for (var w = 0; w < 4; w++)
        {
            Assert.Equal(Enumerable.Range(0, 10).Select(c => $"{w}/{c}/a"), messages.Where(m => m.StartsWith($"{w}/", StringComparison.Ordinal) && m.EndsWith('a')));
        }
    }

    [Fact]
    public async Task AppendLogAsync_UnknownRun_Throws() =>
        await Assert.ThrowsAsync<KeyNotFoundException>(() =>
            Store.AppendLogAsync(424242, [new(Time.UtcNow, LogLevel.Info, "orphan")], Ct));

    [Fact]
    public async Task AnotherStoreOnTheSameDatabase_SeesTheData()
    {
        var id = await Store.StartRunAsync(new NewRun("docs", "cli", "pull", false), Ct);
        await Store.UpdateItemIndexAsync("docs", "source", [new Item("a.md", ItemKind.File, 1, 2)], [], Ct);

        var other = Open();
        await other.MigrateAsync(Ct);

        Assert.Equal("docs", (await other.GetRunAsync(id, Ct))?.Target);
        Assert.Single(await other.GetItemIndexAsync("docs", "source", Ct));
    }
}
