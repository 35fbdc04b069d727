using Syncplane.Connectors.Git;
using Syncplane.Engine.Policies;
using Syncplane.Storage.Sqlite;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Connectors.Git;

/// <summary>The git source debits the target's budget once per fetch of the remote (real git, real SQLite).</summary>
public sealed class GitBudgetTests : IDisposable
{
    private readonly GitTestBed _bed = new();

    public void Dispose() => _bed.Dispose();

    [Fact]
    public async Task SnapshotAsync_EachFetch_TakesOneCallAndASpentBudgetStopsTheFetch()
    {
        _bed.Upstream.Commit("one", ("a.md", "a"));
        var time = new FakeTimeProvider();
        await using var store = new SqliteSyncStore(_bed.Dir["state.db"], time);
        await store.MigrateAsync(CancellationToken.None);
        var bucket = new RateLimitBucketRef("target/docs", new RateLimit(2, TimeSpan.FromHours(1), Burst: 2));
        UpstreamBudget Run() => new(store, bucket, time, _bed.Log, canPostpone: true); // a budget per run, as the runner makes them

        var first = Run();
        await Source(first).SnapshotAsync(CancellationToken.None);
        var second = Run();
        await Source(second).SnapshotAsync(CancellationToken.None);
        var fetchesBefore = Fetches();
        var error = await Assert.ThrowsAsync<UpstreamRateLimitedException>(() => Source(Run()).SnapshotAsync(CancellationToken.None));

        Assert.Equal((1, 1), (first.Calls, second.Calls));
        Assert.Equal(2, fetchesBefore);
        Assert.Equal(2, Fetches()); // the third run did not reach the remote
        Assert.Equal(TimeSpan.FromHours(1), error.RetryAfter);
    }

    private GitSource Source(UpstreamBudget budget) => new(_bed.Options(), _bed.Context() with { Budget = budget }, _bed.Git);

    private int Fetches() => _bed.Log.Lines.Count(l => l.Message.Contains("fetch", StringComparison.Ordinal) && l.Message.Contains("origin", StringComparison.Ordinal));
}
