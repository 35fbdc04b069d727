using System.Text.Json;
using System.Text.Json.Nodes;
using Syncplane.Access;
using Syncplane.Engine;
using Syncplane.Events;
using Syncplane.Planning;
using Syncplane.Storage;

namespace Syncplane.Tests.Storage;

public abstract partial class SyncStoreContractTests
{
    [Fact]
    public async Task Events_ARunsLife_IsRecordedInOrderWithItsCounters()
    {
        var queued = await Store.EnqueueAsync(Request("docs"), Ct);
        await Store.EnqueueAsync(Request("docs", trigger: "webhook", priority: RunPriority.Event), Ct);
        var lease = await Store.ClaimAsync("w1", TimeSpan.FromMinutes(1), Ct);
        await Store.CompleteRunAsync(lease!.RunId, Done(lease) with { Summary = new PlanSummary(2, 1, 0, 7, 300) }, Ct);

        var events = await Store.ReadEventsAsync(0, 100, Ct);

        Assert.Equal(["run.queued", "run.queued", "run.started", "run.succeeded", "items.changed"], events.Select(e => e.Type));
        Assert.All(events, e => Assert.Equal(("docs", queued.RunId), (e.Target, e.RunId)));
        Assert.Equal(events.OrderBy(e => e.Id).Select(e => e.Id), events.Select(e => e.Id));
        Assert.True(JsonNode.Parse(events[1].Data)!["coalesced"]!.GetValue<bool>());
        var succeeded = JsonNode.Parse(events[3].Data)!;
        Assert.Equal((2, 1, 7, 1), (succeeded["creates"]!.GetValue<int>(), succeeded["updates"]!.GetValue<int>(), succeeded["unchanged"]!.GetValue<int>(), succeeded["attempt"]!.GetValue<int>()));
        Assert.Equal(events[^1].Id, await Store.GetLastEventIdAsync(Ct));
    }

    [Fact]
    public async Task Events_EveryEventOfARunsLife_IsHandedToThisProcessAsItCommits_AsStored()
    {
        // The committing node's SSE clients get these without a read back from the store (PostgreSQL's claim and
        // completion statements insert their events themselves and return them).
        var handed = new List<SyncEvent>();
        using var listening = ((ICommittedEventFeed)Store).ListenToCommits(events =>
        {
            lock (handed)
            {
                handed.AddRange(events);
            }
        });
        await Store.EnqueueAsync(Request("docs"), Ct);
        await Store.EnqueueAsync(Request("site"), Ct);
        var lease = await Store.ClaimAsync("w1", TimeSpan.FromMinutes(1), Ct);
        var (_, next) = await Store.CompleteAndClaimAsync(lease!.RunId, Done(lease) with { Summary = new PlanSummary(1, 0, 0, 0, 10) }, "w1", TimeSpan.FromMinutes(1), Ct);
        await Store.CompleteRunAsync(next!.RunId, Done(next), Ct);

        var stored = await Store.ReadEventsAsync(0, 100, Ct);

        Assert.Equal(["run.queued", "run.queued", "run.started", "run.succeeded", "items.changed", "run.started", "run.succeeded"], stored.Select(e => e.Type));
        Assert.Equal(stored, handed.OrderBy(e => e.Id));
    }

    [Fact]
    public async Task Events_ALeasedRunsStartAndEnd_CarryTheSameDataOnEveryStore()
    {
        await Store.EnqueueAsync(Request("docs \"eu\" ü"), Ct);
        var lease = await Store.ClaimAsync("node-1/w", TimeSpan.FromMinutes(1), Ct);
        await Store.AppendLogAsync(lease!.RunId, [new(Time.UtcNow, LogLevel.Info, "fetched")], Ct);
        Time.Advance(TimeSpan.FromMilliseconds(1500.7));
        var completion = Done(lease) with
        {
            Message = "wrote 3 \"files\" <ok>",
            Summary = new PlanSummary(2, 1, 0, 7, 300),
            SourceRevision = "abc123",
            VerificationPassed = true,
            Revision = "abc123",
            CommitSha = "c0ffee",
            Changed = true,
            Log = [new(Time.UtcNow, LogLevel.Warning, "slow"), new(Time.UtcNow, LogLevel.Info, "done")],
        };

        Assert.True(await Store.CompleteRunAsync(lease.RunId, completion, Ct));

        var events = (await Store.ReadEventsAsync(0, 100, Ct)).Where(e => e.Type != "run.queued").ToList();
        var id = lease.RunId;
        var target = "docs \"eu\" ü";
        AssertData(events[0], new JsonObject { ["run_id"] = id, ["target"] = target, ["attempt"] = 1, ["trigger"] = "schedule", ["worker"] = "node-1/w" });
        AssertData(events[1], new JsonObject
        {
            ["run_id"] = id, ["target"] = target, ["status"] = "succeeded", ["attempt"] = 1, ["trigger"] = "schedule", ["dry_run"] = false,
            ["message"] = "wrote 3 \"files\" <ok>", ["duration_ms"] = 1500, ["creates"] = 2, ["updates"] = 1, ["deletes"] = 0, ["unchanged"] = 7,
            ["source_revision"] = "abc123", ["verification_passed"] = true, ["revision"] = "abc123", ["commit_sha"] = "c0ffee", ["changed"] = true,
        });
        AssertData(events[2], new JsonObject { ["run_id"] = id, ["target"] = target, ["creates"] = 2, ["updates"] = 1, ["deletes"] = 0, ["bytes"] = 300 });
        Assert.Equal(["fetched", "slow", "done"], (await Store.GetLogAsync(id, Ct)).Select(l => l.Message));

        static void AssertData(SyncEvent e, JsonObject expected)
        {
            var data = JsonNode.Parse(e.Data)!.AsObject();
            Assert.Equal(expected.Select(p => p.Key), data.Select(p => p.Key));
            Assert.True(JsonNode.DeepEquals(expected, data), $"{e.Type}: {e.Data}");
        }
    }

    [Fact]
    public async Task Events_RequeueAndSettings_AreRecorded()
    {
        await Store.EnqueueAsync(Request("docs"), Ct);
        var lease = await Store.ClaimAsync("w1", TimeSpan.FromMinutes(1), Ct);
        await Store.RequeueAsync(lease!.RunId, lease.Fence, Time.GetUtcNow().AddSeconds(5), "retrying after: boom", countAttempt: true, null, Ct);
        await Store.SetFrequencyOverrideAsync("docs", "hourly", Ct);
        var last = await Store.GetLastEventIdAsync(Ct);

        var events = await Store.ReadEventsAsync(0, 100, Ct);

        Assert.Equal(["run.queued", "run.started", "run.requeued", "target.settings_changed"], events.Select(e => e.Type));
        Assert.Equal("retrying after: boom", JsonNode.Parse(events[2].Data)!["reason"]!.GetValue<string>());
        Assert.Equal("hourly", JsonNode.Parse(events[3].Data)!["value"]!.GetValue<string>());
        Assert.Empty(await Store.ReadEventsAsync(last, 100, Ct));
    }

    [Fact]
    public async Task AppendEventAsync_WakesAWaiterOnAnotherStoreOfTheSameDatabase()
    {
        var other = Open();
        await StartListeningAsync(other);
        var woken = other.WaitForEventsAsync(TimeSpan.FromSeconds(30), Ct);
        await Task.Delay(50);
        Assert.False(woken.IsCompleted);

        var appended = await Store.AppendEventAsync(new NewEvent(EventTypes.WebhookReceived, null, null, new JsonObject { ["provider"] = "github" }), Ct);

        // The clock is fake and never advanced: only a wake-up ends the 30 s wait.
        await woken.WaitAsync(TimeSpan.FromSeconds(10));
        var next = other.WaitForEventsAsync(TimeSpan.FromSeconds(30), Ct);
        var read = Assert.Single(await other.ReadEventsAsync(appended.Id - 1, 10, Ct));
        Assert.Equal("github", JsonDocument.Parse(read.Data).RootElement.GetProperty("provider").GetString());
        await Task.Delay(200);
        Assert.False(next.IsCompleted); // one append, one wake-up: the wait does not simply return
    }

    [Fact]
    public async Task Prune_RemovesOnlyEventsOlderThanTheirRetention()
    {
        await Store.AppendEventAsync(new NewEvent("x.old", null, null, []), Ct);
        Time.Advance(TimeSpan.FromDays(8));
        await Store.AppendEventAsync(new NewEvent("x.new", null, null, []), Ct);

        Assert.Equal(1, (await Store.PruneAsync(new Syncplane.Storage.Rollups.RetentionPolicy { Events = TimeSpan.FromDays(7) }, Ct)).Events);
        Assert.Equal(["x.new"], (await Store.ReadEventsAsync(0, 10, Ct)).Select(e => e.Type));
    }

    [Fact]
    public async Task Tokens_AreFoundByHashUntilRevokedAndNamesAreUnique()
    {
        var created = await Store.CreateTokenAsync("ci", ApiRole.Operator, ApiTokens.Hash("spt_secret"), Ct);

        Assert.Equal(("ci", ApiRole.Operator), ((await Store.FindTokenAsync(ApiTokens.Hash("spt_secret"), Ct))!.Name, created.Role));
        Assert.Null(await Store.FindTokenAsync(ApiTokens.Hash("spt_other"), Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.CreateTokenAsync("ci", ApiRole.Admin, ApiTokens.Hash("x"), Ct));
        Assert.True(await Store.RevokeTokenAsync("ci", Ct));
        Assert.False(await Store.RevokeTokenAsync("ci", Ct));
        Assert.Null(await Store.FindTokenAsync(ApiTokens.Hash("spt_secret"), Ct));
        Assert.NotNull(Assert.Single(await Store.ListTokensAsync(Ct)).RevokedAt);
    }

    [Fact]
    public async Task Audit_IsListedNewestFirstAndPaged()
    {
        for (var i = 0; i < 5; i++)
        {
            await Store.AppendAuditAsync("token:ops", "run.trigger", $"t{i}", "{}", Ct);
        }

        var first = await Store.ListAuditAsync(null, 2, Ct);
        var second = await Store.ListAuditAsync(first[^1].Id, 10, Ct);

        Assert.Equal(["t4", "t3"], first.Select(a => a.Subject));
        Assert.Equal(["t2", "t1", "t0"], second.Select(a => a.Subject));
    }

    [Fact]
    public async Task RecordDeliveryAsync_IsTrueOnlyTheFirstTimePerProvider()
    {
        Assert.True(await Store.RecordDeliveryAsync("github", "d-1", Ct));
        Assert.False(await Open().RecordDeliveryAsync("github", "d-1", Ct));
        Assert.True(await Store.RecordDeliveryAsync("gitlab", "d-1", Ct));
    }

    [Fact]
    public async Task Cursors_AreStoredAndUpdated()
    {
        Assert.Null(await Store.GetCursorAsync("notifier", Ct));
        await Store.SetCursorAsync("notifier", 5, Ct);
        await Store.SetCursorAsync("notifier", 9, Ct);
        Assert.Equal(9, await Store.GetCursorAsync("notifier", Ct));
    }
}
