using Syncplane.Storage;

namespace Syncplane.Tests.Storage;

public abstract partial class SyncStoreContractTests
{
    [Fact]
    public async Task ListRunsAsync_ReturnsNewestFirstAndFiltersByTargetStatusAndSince()
    {
        var ids = new Dictionary<string, long>();
        foreach (var (name, target, status) in new[]
        {
            ("a1", "a", RunStatus.Succeeded), ("b1", "b", RunStatus.Failed), ("a2", "a", RunStatus.Failed),
            ("a3", "a", RunStatus.Succeeded), ("b2", "b", (RunStatus?)null),
        })
        {
            ids[name] = await Store.StartRunAsync(new NewRun(target, "schedule", "pull", false), Ct);
            if (status is { } final)
            {
                await Store.CompleteRunAsync(ids[name], new RunCompletion { Status = final, Message = name }, Ct);
            }

            Time.Advance(TimeSpan.FromMinutes(10));
        }

        var t0 = Time.UtcNow - TimeSpan.FromMinutes(50);

        Assert.Equal([ids["b2"], ids["a3"], ids["a2"], ids["b1"], ids["a1"]], await Ids(new RunQuery()));
        Assert.Equal([ids["a3"], ids["a2"], ids["a1"]], await Ids(new RunQuery(Target: "a")));
        Assert.Equal([ids["a2"], ids["b1"]], await Ids(new RunQuery(Status: RunStatus.Failed)));
        Assert.Equal([ids["b2"]], await Ids(new RunQuery(Status: RunStatus.Running)));
        Assert.Equal([ids["a3"]], await Ids(new RunQuery(Target: "a", Status: RunStatus.Succeeded, Since: t0.AddMinutes(20))));
        Assert.Equal([ids["b2"], ids["a3"]], await Ids(new RunQuery(Since: t0.AddMinutes(30))));
        Assert.Empty(await Ids(new RunQuery(Target: "nope")));
    }

    [Fact]
    public async Task ListRunsAsync_PagesWithBeforeIdThroughEveryRunOnce()
    {
        var started = new List<long>();
        for (var i = 0; i < 23; i++)
        {
            started.Add(await Store.StartRunAsync(new NewRun(i % 2 == 0 ? "even" : "odd", "cli", "pull", false), Ct));
            await Store.CompleteRunAsync(started[^1], new RunCompletion { Status = RunStatus.Succeeded, Message = "ok" }, Ct);
        }

        var seen = new List<long>();
        long? before = null;
        while (true)
        {
            var page = await Ids(new RunQuery(Limit: 5, BeforeId: before));
            Assert.True(page.Count <= 5);
            if (page.Count == 0)
            {
                break;
            }

            seen.AddRange(page);
            before = page[^1];
        }

        started.Reverse();
        Assert.Equal(started, seen);
        Assert.Equal(started.Where((_, i) => i % 2 == 0).Take(3), await Ids(new RunQuery(Target: "even", Limit: 3)));
    }

    [Fact]
    public async Task ListRunsAsync_LimitBelowOne_Throws() =>
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ListRunsAsync(new RunQuery(Limit: 0), Ct));

    [Fact]
    public async Task ListRunsAsync_AnyOfFortyThousandTargets_MoreThanSqliteTakesParameters_FiltersToThem()
    {
        var project = Enumerable.Range(0, 40_000).Select(i => $"web-{i:D5}").ToList();
        var inside = await Store.StartRunAsync(new NewRun("web-00007", "cli", "pull", false), Ct);
        var last = await Store.StartRunAsync(new NewRun("web-39999", "cli", "pull", false), Ct);
        await Store.StartRunAsync(new NewRun("data-00007", "cli", "pull", false), Ct);

        Assert.Equal([last, inside], await Ids(new RunQuery { AnyOfTargets = project }));
        Assert.Equal([inside], await Ids(new RunQuery(Target: "web-00007") { AnyOfTargets = project }));
        Assert.Empty(await Ids(new RunQuery(Target: "data-00007") { AnyOfTargets = project }));
        Assert.Empty(await Ids(new RunQuery { AnyOfTargets = [] }));
    }

    private async Task<List<long>> Ids(RunQuery query) =>
        [.. (await Store.ListRunsAsync(query, Ct)).Select(r => r.Id)];
}
