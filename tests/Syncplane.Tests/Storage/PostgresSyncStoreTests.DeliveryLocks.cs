using System.Diagnostics;
using Npgsql;
using Syncplane.Events;
using Syncplane.Storage;
using Syncplane.Storage.Postgres;

namespace Syncplane.Tests.Storage;

/// <summary>What a batch of webhook deliveries locks on PostgreSQL, with other writers holding runs from their own connections.</summary>
public sealed partial class PostgresSyncStoreTests
{
    [Fact]
    public async Task DeliveryBatch_RacingAClaimOfItsTargetsRun_QueuesANewRun_AndNeverHoldsTheClaimedOne()
    {
        var a = await Store.EnqueueAsync(Webhook("a"), Ct);
        var b = await Store.EnqueueAsync(Webhook("b"), Ct);

        // A worker's claim of a's run, not yet committed; another worker's claim holds b's run.
        await using var workerA = await ConnectAsync();
        var claimOfA = await workerA.BeginTransactionAsync();
        await ExecuteAsync(workerA, claimOfA, $"UPDATE runs SET status = 'running', worker_id = 'w1', fence = fence + 1 WHERE id = {a.RunId}");
        await using var workerB = await ConnectAsync();
        var claimOfB = await workerB.BeginTransactionAsync();
        await ExecuteAsync(workerB, claimOfB, $"SELECT id FROM runs WHERE id = {b.RunId} FOR UPDATE");

        var batch = WriteBatchAsync(Push("d-1", Webhook("a")), Push("d-2", Webhook("b")));
        await WaitUntilBlockedByAsync(workerA, batch);
        await claimOfA.CommitAsync();
        await WaitUntilBlockedByAsync(workerB, batch);

        // While the batch waits for b, a's worker can take its run to complete it: the batch holds a new queued run of a, not this one.
        await ExecuteAsync(workerA, null, $"SELECT id FROM runs WHERE id = {a.RunId} FOR UPDATE NOWAIT");
        await claimOfB.RollbackAsync();

        var results = await batch;
        var newA = Assert.Single(results[0]!);
        Assert.False(newA.Coalesced);
        Assert.NotEqual(a.RunId, newA.RunId);
        Assert.Equal([new EnqueueResult(b.RunId, true)], results[1]);
        Assert.Equal(RunStatus.Running, (await Store.GetRunAsync(a.RunId, Ct))!.Status);
        Assert.Equal(RunStatus.Queued, (await Store.GetRunAsync(newA.RunId, Ct))!.Status);
    }

    [Fact]
    public async Task DeliveryBatch_ChosenAsADeadlockVictim_IsWrittenAgain_WithEachDeliveryOnce()
    {
        var a = await Store.EnqueueAsync(Webhook("a"), Ct);
        var b = await Store.EnqueueAsync(Webhook("b"), Ct);

        // A writer that takes the queued runs in the other order: b, then a. The batch looks for a cycle 3 s after it starts
        // waiting (the writer only after 10 minutes), so it is the one that finds it and is rolled back.
        await using var batchStore = new PostgresSyncStore(new NpgsqlConnectionStringBuilder(_connectionString) { Options = "-c deadlock_timeout=3s" }.ConnectionString, Time);
        await using var other = await ConnectAsync();
        var locks = await other.BeginTransactionAsync();
        await ExecuteAsync(other, locks, "SET LOCAL deadlock_timeout = '10min'");
        await ExecuteAsync(other, locks, $"SELECT id FROM runs WHERE id = {b.RunId} FOR UPDATE");

        var batch = batchStore.AcceptDeliveryBatchAsync([Push("d-1", Webhook("a")), Push("d-2", Webhook("b"))]);
        await WaitUntilBlockedByAsync(other, batch);
        await ExecuteAsync(other, locks, $"UPDATE runs SET priority = priority + 1 WHERE id = {a.RunId}"); // waits for the batch until it is rolled back
        Assert.False(batch.IsCompleted); // the batch, written again, waits for this transaction
        await locks.CommitAsync();

        var results = await batch;
        Assert.Equal([new EnqueueResult(a.RunId, true)], results[0]);
        Assert.Equal([new EnqueueResult(b.RunId, true)], results[1]);
        Assert.Equal(["d-1", "d-2"], await ReceivedIdsAsync());
        Assert.Equal(2, (await Store.ListRunsAsync(new RunQuery(Limit: 10), Ct)).Count);
        Assert.Equal(4, (await Store.ReadEventsAsync(0, 100, Ct)).Count(e => e.Type == EventTypes.RunQueued));
    }

    [Fact]
    public async Task Deliveries_ArrivingWhileABatchWaitsForARunAWorkerHolds_AreWrittenMeanwhile_EachOnce_AndInTheirOrderPerTarget()
    {
        var a = await Store.EnqueueAsync(Webhook("a"), Ct);
        await using var worker = await ConnectAsync();
        var holds = await worker.BeginTransactionAsync();
        await ExecuteAsync(worker, holds, $"SELECT id FROM runs WHERE id = {a.RunId} FOR UPDATE");

        var first = DeliverAsync("d-1", "a");
        await WaitUntilWaitingForLocksAsync(1, first);

        // Another target's delivery is written in a batch of its own while the first waits (with one writer it would wait
        // behind the first until that failed: Npgsql's command timeout).
        var other = DeliverAsync("d-2", "b");
        Assert.Same(other, await Task.WhenAny(other, first));
        Assert.False(Assert.Single((await other)!).Coalesced);

        // A redelivery of d-1 waits for the first batch (its id); a new delivery for a, for a writer and then for a's run.
        var again = DeliverAsync("d-1", "a");
        await WaitUntilWaitingForLocksAsync(2, again);
        var later = DeliverAsync("d-3", "a");
        Assert.False(first.IsCompleted);
        Assert.False(later.IsCompleted);
        await holds.RollbackAsync();

        Assert.Equal([new EnqueueResult(a.RunId, true)], await first);
        Assert.Null(await again);
        Assert.Equal([new EnqueueResult(a.RunId, true)], await later);
        Assert.Equal(["d-1", "d-2", "d-3"], await ReceivedIdsAsync());
        var queued = (await Store.ReadEventsAsync(0, 100, Ct)).Where(e => e.Type == EventTypes.RunQueued && e.Target == "a")
            .Select(e => System.Text.Json.Nodes.JsonNode.Parse(e.Data)!["coalesced"]!.GetValue<bool>());
        Assert.Equal([false, true, true], queued);
        Assert.Equal(2, (await Store.ListRunsAsync(new RunQuery(Limit: 10), Ct)).Count);
    }

    private Task<IReadOnlyList<EnqueueResult>?> DeliverAsync(string id, string target)
    {
        var delivery = Push(id, Webhook(target));
        return Store.AcceptDeliveryAsync(delivery.Provider, delivery.DeliveryId, delivery.Received, delivery.Runs, Ct);
    }

    // Until this many backends of the test's database wait for a lock.
    private async Task WaitUntilWaitingForLocksAsync(long count, Task delivery)
    {
        var deadline = Stopwatch.StartNew();
        while ((await QueryAsync("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()", r => r.GetInt64(0)))[0] < count)
        {
            Assert.False(delivery.IsCompleted, "the delivery was written without waiting");
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), "the delivery never waited for a lock");
            await Task.Delay(20);
        }
    }

    private async Task<NpgsqlConnection> ConnectAsync()
    {
        var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync();
    }

    // Until some other backend waits for a lock that the transaction on holder's connection holds.
    private async Task WaitUntilBlockedByAsync(NpgsqlConnection holder, Task batch)
    {
        var deadline = Stopwatch.StartNew();
        while ((await QueryAsync($"SELECT count(*) FROM pg_stat_activity WHERE {holder.ProcessID} = ANY(pg_blocking_pids(pid))", r => r.GetInt64(0)))[0] == 0)
        {
            Assert.False(batch.IsCompleted, "the batch finished without waiting");
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), "the batch never waited for the other transaction");
            await Task.Delay(20);
        }
    }
}
