using System.Diagnostics;
using Npgsql;
using Syncplane.Planning;
using Syncplane.Storage;
using Syncplane.Storage.Postgres;
using Syncplane.Storage.Rollups;
using Syncplane.Tests.Support;
using Xunit.Abstractions;

namespace Syncplane.Tests.Storage;

/// <summary>The whole store contract against a real PostgreSQL server; each test in a fresh schema of this class's database.</summary>
public sealed partial class PostgresSyncStoreTests(PostgresDatabase database, ITestOutputHelper output) : SyncStoreContractTests, IClassFixture<PostgresDatabase>
{
    private readonly string _connectionString = database.CreateSchema();

    protected override ISyncStore OpenStore() => new PostgresSyncStore(_connectionString, Time);

    protected override Task StartListeningAsync(ISyncStore store) => ((PostgresSyncStore)store).StartListeningAsync(Ct);

    [Fact]
    public async Task MigrateAsync_RecordsEachSchemaVersionOnceWithTimestamptzColumns()
    {
        await Store.MigrateAsync(Ct);

        Assert.Equal(PostgresMigrations.All.Count, await ((PostgresSyncStore)Store).GetSchemaVersionAsync(Ct));
        var rows = await QueryAsync("SELECT version, applied_at FROM schema_migrations ORDER BY version", r => (r.GetInt32(0), r.GetFieldValue<DateTimeOffset>(1)));
        Assert.Equal(Enumerable.Range(1, PostgresMigrations.All.Count), rows.Select(r => r.Item1));
        Assert.All(rows, r => Assert.Equal(Time.UtcNow, r.Item2));

        var timeColumns = await QueryAsync(
            "SELECT table_name || '.' || column_name || ' ' || data_type FROM information_schema.columns " +
            "WHERE table_schema = current_schema() AND column_name IN ('queued_at', 'started_at', 'finished_at', 'at', 'applied_at') ORDER BY 1",
            r => r.GetString(0));
        Assert.Equal(
            ["alert_history.at timestamp with time zone", "audit.at timestamp with time zone", "events.at timestamp with time zone", "run_logs.at timestamp with time zone", "run_rollup_pending.finished_at timestamp with time zone",
             "run_rollup_pending.queued_at timestamp with time zone", "run_rollup_pending.started_at timestamp with time zone",
             "runs.finished_at timestamp with time zone", "runs.queued_at timestamp with time zone",
             "runs.started_at timestamp with time zone", "schema_migrations.applied_at timestamp with time zone"],
            timeColumns);
    }

    [Fact]
    public async Task MigrateAsync_FromVersion1WithTwoRunningRunsOfATarget_KeepsTheNewestRunningAndFillsTheQueueColumns()
    {
        var connectionString = database.CreateSchema();
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                PostgresMigrations.MigrationTable + ";" + PostgresMigrations.All[0].Sql +
                ";INSERT INTO schema_migrations (version, applied_at) VALUES (1, now());" +
                "INSERT INTO runs (target, trigger, direction, dry_run, status, queued_at, started_at, finished_at) VALUES " +
                "('docs', 'cli', 'pull', false, 'running', '2026-01-01T00:00:00.0000000Z', '2026-01-01T00:00:00.0000000Z', NULL), " +
                "('docs', 'schedule', 'pull', false, 'running', '2026-01-01T01:00:00.0000000Z', '2026-01-01T01:00:00.0000000Z', NULL), " +
                "('docs', 'webhook', 'pull', false, 'succeeded', '2026-01-01T02:00:00.0000000Z', '2026-01-01T02:00:00.0000000Z', '2026-01-01T02:00:01.0000000Z'), " +
                "('other', 'cli', 'pull', false, 'running', '2026-01-01T03:00:00.0000000Z', '2026-01-01T03:00:00.0000000Z', NULL)",
                connection);
            await command.ExecuteNonQueryAsync();
        }

        await using var store = new PostgresSyncStore(connectionString, Time);
        await store.MigrateAsync(Ct);

        await AssertVersion1RunsUpgradedAsync(store);
    }

    [Fact]
    public async Task MigrateAsync_From16_FillsTargetFacts_FromFoldedAndPendingRuns()
    {
        var connectionString = database.CreateSchema();
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await BuildStoreBeforeTargetFactsAsync(PostgresMigrations.All, PostgresMigrations.MigrationTable, 16, 17, "false", async sql =>
            {
                await using var command = new NpgsqlCommand(sql, connection);
                await command.ExecuteNonQueryAsync();
            });
        }

        await using var store = new PostgresSyncStore(connectionString, Time);
        await AssertTargetFactsBackfilledAsync(store);
    }

    [Fact]
    public async Task MigrateAsync_OnADatabaseFromANewerVersion_RefusesWithAClearError()
    {
        await QueryAsync("INSERT INTO schema_migrations (version, applied_at) VALUES (999, now()) RETURNING version", r => r.GetInt32(0));

        var error = await Assert.ThrowsAsync<SchemaTooNewException>(() => Store.MigrateAsync(Ct));
        Assert.Contains("version 999", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStoreOpenedFromTheUrlForm_SharesTheDatabase()
    {
        var id = await Store.StartRunAsync(new NewRun("docs", "cli", "pull", false), Ct);
        var b = new NpgsqlConnectionStringBuilder(_connectionString);
        var url = $"postgresql://{Uri.EscapeDataString(b.Username!)}:{Uri.EscapeDataString(b.Password ?? string.Empty)}@{b.Host}:{b.Port}/{b.Database}" +
                  $"?search_path={b.SearchPath}&application_name=url%20test";

        await using var other = new PostgresSyncStore(url, Time);
        await other.MigrateAsync(Ct);

        Assert.Equal("docs", (await other.GetRunAsync(id, Ct))?.Target);
        Assert.Equal($"postgres://{Uri.EscapeDataString(b.Username!)}@{b.Host}:{b.Port}/{b.Database}", other.Description);
    }

    [Fact]
    public async Task WaitForWorkAsync_AnEnqueueFromAnotherNode_WakesTheWaiterLongBeforeItsPollInterval()
    {
        // The waiter polls only after an hour on a clock that never moves: only the NOTIFY can end its wait.
        // (How fast it wakes is measured by bench/queue's idle pickup latency, not asserted here.)
        var waiter = Open();
        await StartListeningAsync(waiter);
        var waiting = waiter.WaitForWorkAsync(TimeSpan.FromHours(1), Ct);
        await Task.Delay(200);
        Assert.False(waiting.IsCompleted);

        await Store.EnqueueAsync(new RunRequest("docs", "webhook", RunPriority.Event, Time.UtcNow), Ct);

        await waiting.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task WaitForWorkAsync_ListenConnectionKilled_ReconnectsAndStillWakes()
    {
        var waiter = Open();
        await StartListeningAsync(waiter);
        await QueryAsync(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN syncplane_%' AND datname = current_database()",
            r => r.GetBoolean(0));

        // The listener retries after a delay on the store's clock; the reconnect pulses (notifications may
        // have been missed meanwhile), and later enqueues wake waiters again.
        var reconnected = waiter.WaitForWorkAsync(TimeSpan.FromHours(1), Ct);
        for (var i = 0; i < 300 && !reconnected.IsCompleted; i++)
        {
            Time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(100);
        }

        await reconnected.WaitAsync(TimeSpan.FromSeconds(1));
        await Task.Delay(100);
        var waiting = waiter.WaitForWorkAsync(TimeSpan.FromHours(1), Ct);
        await Store.EnqueueAsync(new RunRequest("docs", "webhook", RunPriority.Event, Time.UtcNow), Ct);

        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task UpdateItemIndexAsync_HundredThousandItems_OneTransaction()
    {
        var items = Enumerable.Range(0, 100_000)
            .Select(i => new Item($"d{i % 1000}/f{i}.bin", ItemKind.File, i, 638_000_000_000_000_000 + i, 420, Convert.ToHexStringLower(BitConverter.GetBytes((long)i * 31))))
            .ToList();

        var insert = Stopwatch.StartNew();
        await Store.UpdateItemIndexAsync("bench", "source", items, [], Ct);
        insert.Stop();
        var same = Stopwatch.StartNew();
        await Store.UpdateItemIndexAsync("bench", "source", items, [], Ct);
        same.Stop();
        var update = Stopwatch.StartNew();
        await Store.UpdateItemIndexAsync("bench", "source", [.. items.Select(i => i with { Size = i.Size + 1 })], [], Ct);
        update.Stop();
        var delete = Stopwatch.StartNew();
        await Store.UpdateItemIndexAsync("bench", "source", [], [.. items.Take(50_000).Select(i => i.Key)], Ct);
        delete.Stop();
        var read = Stopwatch.StartNew();
        var index = await Store.GetItemIndexAsync("bench", "source", Ct);
        read.Stop();

        // Timing is reported, not asserted: this machine is shared.
        output.WriteLine(
            $"100k upserts (insert): {insert.ElapsedMilliseconds} ms; 100k unchanged: {same.ElapsedMilliseconds} ms; " +
            $"100k upserts (update): {update.ElapsedMilliseconds} ms; 50k deletes: {delete.ElapsedMilliseconds} ms; read 50k: {read.ElapsedMilliseconds} ms");
        Assert.Equal(50_000, index.Count);
        Assert.Equal(items[77_777] with { Size = 77_778 }, index[items[77_777].Key]);
        Assert.DoesNotContain(items[7].Key, index.Keys);
    }

    [Fact]
    public async Task FoldRunRollups_BacklogOfSeveralChunks_IsFoldedInFull_EachRunCountedOnce()
    {
        // Runs that finished while no node folded (only `syncplane run`, say): more than one fold's chunk.
        var id = await Store.StartRunAsync(new NewRun("docs", "cli", "pull", false), Ct);
        await Store.CompleteRunAsync(id, new RunCompletion { Status = RunStatus.Succeeded, Message = "done" }, Ct);
        var backlog = (RollupFolding.ChunkSize * 2) + 500;
        await QueryAsync($"INSERT INTO run_rollup_pending SELECT p.* FROM run_rollup_pending p CROSS JOIN generate_series(2, {backlog}) RETURNING 1", r => r.GetInt32(0));

        var day = new DateTimeOffset(Time.UtcNow.UtcDateTime.Date, TimeSpan.Zero);
        var docs = Assert.Single(await Store.ReadRunRollupsAsync(new RollupQuery(RollupPeriod.Day, day, day.AddDays(1), "docs"), Ct));

        Assert.Equal(((long)backlog, (long)backlog), (docs.Attempts, docs.Successes));
        Assert.Equal(0L, (await QueryAsync("SELECT count(*) FROM run_rollup_pending", r => r.GetInt64(0)))[0]);
        Assert.Equal(0L, await Store.FoldRunRollupsAsync(Ct));
    }

    [Fact]
    public async Task FoldRunRollups_NodeKilledMidFold_CountsNothing_AndTheNodeWaitingOnItCountsEachRunOnce()
    {
        for (var i = 0; i < 3; i++)
        {
            var id = await Store.StartRunAsync(new NewRun("docs", "cli", "pull", false), Ct);
            await Store.CompleteRunAsync(id, new RunCompletion { Status = RunStatus.Succeeded, Message = "done" }, Ct);
        }

        // A node that took the fold's lock and took the pending runs, then died before it committed.
        var dying = new NpgsqlConnection(_connectionString);
        await dying.OpenAsync();
        var transaction = await dying.BeginTransactionAsync();
        await using (var fold = new NpgsqlCommand("SELECT syncplane_fold_run_rollups(20000)", dying, transaction))
        {
            Assert.Equal(3L, await fold.ExecuteScalarAsync());
        }

        // Another node reads the rollups: it folds first, so it waits for the lock.
        var day = new DateTimeOffset(Time.UtcNow.UtcDateTime.Date, TimeSpan.Zero);
        var reading = Store.ReadRunRollupsAsync(new RollupQuery(RollupPeriod.Day, day, day.AddDays(1), "docs"), Ct);
        var deadline = Stopwatch.StartNew();
        while ((await QueryAsync("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted", r => r.GetInt64(0)))[0] == 0)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), "the reader never waited for the fold's lock");
            await Task.Delay(20);
        }

        Assert.False(reading.IsCompleted);
        await QueryAsync($"SELECT pg_terminate_backend({dying.ProcessID})", r => r.GetBoolean(0));
        await Assert.ThrowsAnyAsync<Exception>(async () => await transaction.CommitAsync());
        await dying.DisposeAsync();

        var docs = Assert.Single(await reading);
        Assert.Equal((3L, 3L), (docs.Attempts, docs.Successes));
        Assert.Equal(0L, await Store.FoldRunRollupsAsync(Ct));
    }

    protected override Task FailRunInsertsOfAsync(string target, bool fail) => fail
        ? AddTriggerAsync("test_fail_run_insert", "BEFORE INSERT ON runs", "RAISE EXCEPTION 'refused by the test';", $"NEW.target = '{target}'")
        : DropTriggerAsync("test_fail_run_insert", "runs");

    /// <summary>A row trigger <paramref name="name"/> (<paramref name="on"/>: "BEFORE INSERT ON events"), its function running the PL/pgSQL <paramref name="body"/>, for the rows <paramref name="condition"/> holds for (all when null).</summary>
    private async Task AddTriggerAsync(string name, string on, string body, string? condition = null) =>
        await QueryAsync(
            $"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} END $$; " +
            $"CREATE TRIGGER {name} {on} FOR EACH ROW {(condition is null ? "" : $"WHEN ({condition}) ")}EXECUTE FUNCTION {name}(); SELECT 1", r => r.GetInt32(0));

    private async Task DropTriggerAsync(string name, string table) =>
        await QueryAsync($"DROP TRIGGER {name} ON {table}; DROP FUNCTION {name}(); SELECT 1", r => r.GetInt32(0));

    private async Task<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> read)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
