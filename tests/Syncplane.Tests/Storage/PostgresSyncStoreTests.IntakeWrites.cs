using System.Reflection;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Syncplane.Events;
using Syncplane.Storage;
using Syncplane.Tests.Events;

namespace Syncplane.Tests.Storage;

/// <summary>What the webhook intake writes and reads back on PostgreSQL, where transactions commit out of id order.</summary>
public sealed partial class PostgresSyncStoreTests
{
    [Fact]
    public async Task Delivery_CoalescingIntoARunThatAlreadyAsksForAllOfIt_LeavesTheRunUnwritten()
    {
        var queued = await Store.EnqueueAsync(Webhook("a"), Ct);
        var version = await RowVersionAsync(queued.RunId);

        var results = await WriteBatchAsync(Push("d-1", Webhook("a")), Push("d-2", Webhook("a")));

        Assert.Equal([new EnqueueResult(queued.RunId, true)], results[0]);
        Assert.Equal([new EnqueueResult(queued.RunId, true)], results[1]);
        Assert.Equal(version, await RowVersionAsync(queued.RunId));

        // A request that does change the run (another trigger) still writes it.
        await WriteBatchAsync(Push("d-3", new RunRequest("a", "webhook:gitlab", RunPriority.Event, Time.GetUtcNow())));
        Assert.NotEqual(version, await RowVersionAsync(queued.RunId));
        Assert.Equal(["webhook:github", "webhook:gitlab"], (await Store.GetRunAsync(queued.RunId, Ct))!.Triggers);
    }

    [Fact]
    public async Task DeliveryBatch_FailingInTheStatementThatCommits_LeavesNothing_AndTheSameBatchAgainIsAcceptedOnce()
    {
        var queued = await Store.EnqueueAsync(Webhook("a"), Ct);
        await AddTriggerAsync("test_fail_event_insert", "BEFORE INSERT ON events", "RAISE EXCEPTION 'refused by the test';");
        SqlSyncStore.Delivery[] batch = [Push("d-1", new RunRequest("a", "webhook:gitlab", RunPriority.Event, Time.GetUtcNow())), Push("d-2", Webhook("b"))];

        await Assert.ThrowsAnyAsync<Exception>(() => WriteBatchAsync(batch));

        // The runs were written in that statement, before the events: the coalesce into a's run and b's new run are gone with them.
        Assert.Equal(["webhook:github"], (await Store.GetRunAsync(queued.RunId, Ct))!.Triggers);
        Assert.Equal([queued.RunId], (await Store.ListRunsAsync(new RunQuery(Limit: 10), Ct)).Select(r => r.Id));
        await DropTriggerAsync("test_fail_event_insert", "events");
        Assert.All(await WriteBatchAsync(batch), Assert.NotNull);
        Assert.All(await WriteBatchAsync(batch), Assert.Null);
        Assert.Equal(["d-1", "d-2"], await ReceivedIdsAsync());
        Assert.Equal(["webhook:github", "webhook:gitlab"], (await Store.GetRunAsync(queued.RunId, Ct))!.Triggers);
    }

    [Fact]
    public async Task DeliveryBatch_WhoseHeldRunWasNotChanged_FailsAndLeavesNothing()
    {
        var queued = await Store.EnqueueAsync(Webhook("a"), Ct);
        await AddTriggerAsync("test_skip_run_update", "BEFORE UPDATE ON runs", "RETURN NULL;");
        var batch = Push("d-1", new RunRequest("a", "webhook:gitlab", RunPriority.Event, Time.GetUtcNow()));

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => WriteBatchAsync(batch));

        Assert.Contains("a queued run the batch held changed before its commit", failure.Message, StringComparison.Ordinal);
        Assert.Empty(await ReceivedIdsAsync());
        await DropTriggerAsync("test_skip_run_update", "runs");
        Assert.Equal([new EnqueueResult(queued.RunId, true)], (await WriteBatchAsync(batch))[0]);
    }

    [Fact]
    public async Task EventHub_EventsThisProcessCommitsPastAGap_ArePublishedInOrderOnceItFills_WithoutReadingThemBack()
    {
        await StartListeningAsync(Store);
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var reads = DispatchProxy.Create<EventHubCommitFeedTests.IStoreWithCommitFeed, GatedEventReads>();
        var gate = (GatedEventReads)(object)reads;
        gate.Inner = Store;
        var hub = new EventHub(reads, Time); // Time stands still: the hub never gives up on the gap
        var pump = hub.RunAsync(stop.Token);
        await hub.Started;
        using var subscription = hub.Subscribe(EventFilter.All);

        // Another writer's event takes the next id and commits last; this process's five events commit first.
        await using var other = await ConnectAsync();
        var transaction = await other.BeginTransactionAsync();
        await using var insert = new Npgsql.NpgsqlCommand(
            "INSERT INTO events (at, type, data) VALUES (now(), 'test.first', '{}') RETURNING id", other, transaction);
        var first = (long)(await insert.ExecuteScalarAsync())!;
        for (var i = 0; i < 5; i++)
        {
            await Store.AppendEventAsync(new NewEvent("test.later", null, null, new JsonObject { ["n"] = i }), Ct);
        }

        // The hub's read finds the five past the gap.
        gate.Permits.Release();
        Assert.Equal([first + 1, first + 2, first + 3, first + 4, first + 5], await gate.Reads.Reader.ReadAsync(stop.Token));

        await transaction.CommitAsync();
        gate.Permits.Release(1000);
        var published = new List<long>();
        while (published.Count < 6)
        {
            published.Add((await subscription.Reader.ReadAsync(stop.Token)).Id);
        }

        Assert.Equal([first, first + 1, first + 2, first + 3, first + 4, first + 5], published);
        var readAgain = new List<long>();
        while (gate.Reads.Reader.TryRead(out var ids))
        {
            readAgain.AddRange(ids);
        }

        Assert.Equal([first], readAgain); // the gap's event; the five the hub holds are not read again
        await stop.CancelAsync();
        await pump;
    }

    private async Task<string> RowVersionAsync(long runId) =>
        (await QueryAsync($"SELECT xmin::text FROM runs WHERE id = {runId}", r => r.GetString(0)))[0];

    /// <summary>Forwards everything to the store; each read of the event log waits for a permit, and the ids it read are kept in order.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1852:Seal internal types", Justification = "DispatchProxy generates a subclass of it")]
    public class GatedEventReads : DispatchProxy
    {
        internal ISyncStore Inner { get; set; } = null!;

        internal SemaphoreSlim Permits { get; } = new(0);

        internal Channel<long[]> Reads { get; } = Channel.CreateUnbounded<long[]>();

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            return targetMethod.Name == nameof(ISyncStore.ReadEventsAsync)
                ? ReadAsync((long)args![0]!, (int)args[1]!, (CancellationToken)args[2]!)
                : targetMethod.Invoke(Inner, args);
        }

        private async Task<IReadOnlyList<SyncEvent>> ReadAsync(long afterId, int limit, CancellationToken cancellationToken)
        {
            await Permits.WaitAsync(cancellationToken);
            var events = await Inner.ReadEventsAsync(afterId, limit, cancellationToken);
            Reads.Writer.TryWrite([.. events.Select(e => e.Id)]);
            return events;
        }
    }
}
