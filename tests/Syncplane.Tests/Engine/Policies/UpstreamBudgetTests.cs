using System.Diagnostics;
using Syncplane.Connectors;
using Syncplane.Engine.Policies;
using Syncplane.Storage;
using Syncplane.Storage.Sqlite;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Engine.Policies;

/// <summary>A run's budget of upstream calls over a real SQLite store, on a fake clock.</summary>
public sealed class UpstreamBudgetTests : IAsyncLifetime
{
    private static readonly RateLimitBucketRef PerMinute = new("shared/api", new RateLimit(60, TimeSpan.FromHours(1))); // one call a minute
    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new();
    private readonly TestRunLog _log = new();
    private SqliteSyncStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = new SqliteSyncStore(_directory.Combine("state.db"), _time);
        await _store.MigrateAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task TakeAsync_SpentAfterTheRunsFirstCall_WaitsForTheNextTokenInsteadOfFailing()
    {
        var budget = Budget(PerMinute, canPostpone: true);
        var start = _time.UtcNow;
        await budget.TakeAsync(CancellationToken.None);

        var second = budget.TakeAsync(CancellationToken.None).AsTask();
        _time.Advance(TimeSpan.FromSeconds(59));
        await Task.Delay(200);
        Assert.False(second.IsCompleted);
        await AdvanceUntilAsync(second);

        // The clock steps a second per 50 ms of real time, so a loaded machine overshoots by a few steps; waiting a
        // second whole minute (a second wait after the first) would still fall outside.
        Assert.InRange(_time.UtcNow, start.AddMinutes(1), start.AddSeconds(75));
        Assert.Equal(2, budget.Calls);
        Assert.Contains("waiting for rate limit 'api' (60/hour): next token in 1m", _log.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TakeAsync_QueuedRunWouldWaitLongBeforeItsFirstCall_ThrowsToBePostponed()
    {
        await Budget(PerMinute, canPostpone: true).TakeAsync(CancellationToken.None); // another target of the shared budget

        var budget = Budget(PerMinute, canPostpone: true);
        var error = await Assert.ThrowsAsync<UpstreamRateLimitedException>(() => budget.TakeAsync(CancellationToken.None).AsTask());

        Assert.Equal(TimeSpan.FromMinutes(1), error.RetryAfter);
        Assert.Contains("rate limit 'api' (60/hour) is spent; the next call is allowed at 2026-01-01 00:01:00Z", error.Message, StringComparison.Ordinal);
        Assert.Equal(("rate limit 'api' (60/hour)", true), (error.LimitedBy, error.IsOwnLimit));
        Assert.Equal(RetryOutcome.Postpone, RetryDecision.Decide(Syncplane.Config.RetryPolicy.Default, 1, error, _time.UtcNow).Outcome);
    }

    [Fact]
    public async Task TakeAsync_ShortWaitBeforeTheFirstCallOrADirectRun_IsWaitedOut()
    {
        var perSecond = new RateLimitBucketRef("target/fast", new RateLimit(1, TimeSpan.FromSeconds(20)));
        await Budget(perSecond, canPostpone: true).TakeAsync(CancellationToken.None);
        var queued = Budget(perSecond, canPostpone: true).TakeAsync(CancellationToken.None).AsTask();
        await AdvanceUntilAsync(queued); // 20s: not worth giving up the worker slot

        await Budget(PerMinute, canPostpone: false).TakeAsync(CancellationToken.None);
        var direct = Budget(PerMinute, canPostpone: false).TakeAsync(CancellationToken.None).AsTask();
        await AdvanceUntilAsync(direct); // syncplane run: a person waits, there is no queue to go back to

        Assert.True(queued.IsCompletedSuccessfully && direct.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task TakeAsync_CancelledWhileWaiting_Stops()
    {
        var budget = Budget(PerMinute, canPostpone: true);
        await budget.TakeAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var waiting = budget.TakeAsync(cancel.Token).AsTask();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    [Fact]
    public void For_TargetWithoutALimit_IsUnlimitedAndNeverTouchesTheStore()
    {
        var registry = new RateLimitRegistry(new Dictionary<string, RateLimit>(), [("free", null, null)]);

        Assert.Same(UnlimitedBudget.Instance, UpstreamBudget.For(registry, "free", store: null!, _time, _log, canPostpone: true));
    }

    private UpstreamBudget Budget(RateLimitBucketRef bucket, bool canPostpone) => new(_store, bucket, _time, _log, canPostpone);

    // Moves the clock a second at a time until the take returns; bounded in real time.
    private async Task AdvanceUntilAsync(Task take)
    {
        var clock = Stopwatch.StartNew();
        while (!take.IsCompleted && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.WhenAny(take, Task.Delay(50));
            if (!take.IsCompleted)
            {
                _time.Advance(TimeSpan.FromSeconds(1));
            }
        }

        await take;
    }
}
