using Syncplane.Engine;
using Syncplane.Planning;
using Syncplane.Storage;

namespace Syncplane.Tests.Storage;

public abstract partial class SyncStoreContractTests
{
    [Fact]
    public async Task ItemIndex_UpsertGetUpdateDelete()
    {
        var file = new Item("docs/ä b.md", ItemKind.File, 12, 638_000_000_000_000_001, 0b110_100_100, new string('a', 64));
        var dir = new Item("docs", ItemKind.Directory, 0, 638_000_000_000_000_002, 0b111_101_101);
        var link = new Item("latest", ItemKind.Symlink, 0, 638_000_000_000_000_003, LinkTarget: "docs/ä b.md");
        await Store.UpdateItemIndexAsync("t", "destination", [file, dir, link], [], Ct);

        Assert.Equal(
            new Dictionary<string, Item> { [file.Key] = file, [dir.Key] = dir, [link.Key] = link },
            await Store.GetItemIndexAsync("t", "destination", Ct));

        var changed = file with { Size = 13, Hash = null, MtimeTicks = 638_000_000_000_000_009 };
        await Store.UpdateItemIndexAsync("t", "destination", [changed], ["latest", "never-existed"], Ct);

        Assert.Equal(
            new Dictionary<string, Item> { [changed.Key] = changed, [dir.Key] = dir },
            await Store.GetItemIndexAsync("t", "destination", Ct));
    }

    [Fact]
    public async Task ItemIndex_IsIsolatedPerTargetAndSide()
    {
        var item = new Item("same/key", ItemKind.File, 1, 1, Hash: "h1");
        await Store.UpdateItemIndexAsync("a", "source", [item], [], Ct);
        await Store.UpdateItemIndexAsync("a", "destination", [item with { Hash = "h2" }], [], Ct);
        await Store.UpdateItemIndexAsync("b", "source", [item with { Hash = "h3" }], [], Ct);

        await Store.UpdateItemIndexAsync("b", "source", [], ["same/key"], Ct);

        Assert.Equal("h1", (await Store.GetItemIndexAsync("a", "source", Ct))["same/key"].Hash);
        Assert.Equal("h2", (await Store.GetItemIndexAsync("a", "destination", Ct))["same/key"].Hash);
        Assert.Empty(await Store.GetItemIndexAsync("b", "source", Ct));
        Assert.Empty(await Store.GetItemIndexAsync("c", "source", Ct));
    }

    [Fact]
    public async Task ItemIndex_KeysDifferingOnlyInCaseSpaceOrNormalization_AreDistinct()
    {
        string[] keys = ["a", "A", "a ", "\u00e9", "e\u0301", "\u00df", "ss"];
        await Store.UpdateItemIndexAsync("t", "source", [.. keys.Select(k => new Item(k, ItemKind.File, k.Length, 1))], [], Ct);
        await Store.UpdateItemIndexAsync("t", "source", [], ["e\u0301", "A"], Ct);

        var index = await Store.GetItemIndexAsync("t", "source", Ct);

        Assert.Equal(["a", "a ", "\u00e9", "\u00df", "ss"], index.Keys.OrderBy(k => Array.IndexOf(keys, k)));
    }

    [Fact]
    public async Task ItemIndex_SameKeyTwiceInOneUpdate_LastOneWins()
    {
        var first = new Item("k", ItemKind.File, 1, 1, Hash: "first");
        await Store.UpdateItemIndexAsync("t", "source", [first, new Item("j", ItemKind.File, 2, 2), first with { Hash = "second" }], [], Ct);

        Assert.Equal("second", (await Store.GetItemIndexAsync("t", "source", Ct))["k"].Hash);
    }

    [Fact]
    public async Task ItemIndex_KeyUpsertedAndDeletedInOneUpdate_IsDeleted()
    {
        await Store.UpdateItemIndexAsync("t", "source", [new Item("gone", ItemKind.File, 1, 1), new Item("kept", ItemKind.File, 1, 1)], ["gone"], Ct);

        Assert.Equal(["kept"], (await Store.GetItemIndexAsync("t", "source", Ct)).Keys);
    }

    [Fact]
    public async Task ItemIndex_RewritingUnchangedItems_KeepsThemAndAppliesTheChangedOnes()
    {
        var items = Enumerable.Range(0, 100).Select(i => new Item($"f{i}", ItemKind.File, i, i, 420, $"h{i}")).ToList();
        await Store.UpdateItemIndexAsync("t", "source", items, [], Ct);

        var next = items.Select(i => i.Key == "f7" ? i with { Hash = null } : i.Key == "f8" ? i with { LinkTarget = "x", Kind = ItemKind.Symlink } : i).ToList();
        await Store.UpdateItemIndexAsync("t", "source", next, [], Ct);

        var index = await Store.GetItemIndexAsync("t", "source", Ct);
        Assert.Equal(next.ToDictionary(i => i.Key), index);
    }

    [Fact]
    public async Task ItemIndex_TenThousandItemsInOneUpdate_RoundTrip()
    {
        var items = Enumerable.Range(0, 10_000)
            .Select(i => new Item($"dir{i % 100}/file{i}.txt", ItemKind.File, i, i * 7L, 420, i.ToString("x64", null)))
            .ToList();
        await Store.UpdateItemIndexAsync("big", "source", items, [], Ct);
        await Store.UpdateItemIndexAsync("big", "source", [], [.. items.Take(2_500).Select(i => i.Key)], Ct);

        var index = await Store.GetItemIndexAsync("big", "source", Ct);

        Assert.Equal(7_500, index.Count);
        Assert.All(items.Skip(2_500), i => Assert.Equal(i, index[i.Key]));
    }

    [Fact]
    public async Task ConcurrentWritersFromSeveralTasksAndStores_AllSucceed()
    {
        const int Writers = 6;
        const int RunsEach = 15;
        var stores = Enumerable.Range(0, Writers).Select(i => i % 2 == 0 ? Store : Open()).ToList();

        var work = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            var store = stores[w];
            for (var r = 0; r < RunsEach; r++)
            {
                var id = await store.StartRunAsync(new NewRun($"target-{w}", "schedule", "pull", false), Ct);
                await store.AppendLogAsync(id, [new(Time.UtcNow, LogLevel.Info, $"{w}/{r} a"), new(Time.UtcNow, LogLevel.Info, $"{w}/{r} b")], Ct);
                await store.UpdateItemIndexAsync($"target-{w}", "source", [new Item($"k{r}", ItemKind.File, r, r)], [], Ct);
                await store.CompleteRunAsync(id, new RunCompletion { Status = RunStatus.Succeeded, Message = "ok" }, Ct);
            }
        }));

        // A long write transaction in parallel: the others must wait for the lock, not fail.
        var bulk = Task.Run(async () =>
        {
            var store = Open();
            for (var round = 0; round < 3; round++)
            {
                var items = Enumerable.Range(0, 20_000).Select(i => new Item($"bulk/{i}", ItemKind.File, round, i)).ToList();
                await store.UpdateItemIndexAsync("bulk", "destination", items, [], Ct);
            }
        });
        await Task.WhenAll([.. work, bulk]);

        var runs = await Store.ListRunsAsync(new RunQuery(Limit: 1_000), Ct);
        Assert.Equal(Writers * RunsEach, runs.Count);
        Assert.All(runs, r => Assert.Equal(RunStatus.Succeeded, r.Status));
        foreach (var run in runs.Take(10))
        {
            Assert.Equal(2, (await Store.GetLogAsync(run.Id, Ct)).Count);
        }

        Assert.All((await Store.GetItemIndexAsync("bulk", "destination", Ct)).Values, i => Assert.Equal(2, i.Size));
        for (var w = 0; w < Writers; w++)
        {
            Assert.Equal(RunsEach, (await Store.GetItemIndexAsync($"target-{w}", "source", Ct)).Count);
        }
    }
}
