using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Syncplane.Planning;
using Syncplane.Storage;
using Syncplane.Storage.Rollups;
using Syncplane.Storage.Sqlite;
using Xunit.Abstractions;

namespace Syncplane.Tests.Storage;

public sealed class SqliteSyncStoreTests(ITestOutputHelper output) : SyncStoreContractTests
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "syncplane-store-" + Guid.NewGuid().ToString("n"));

    private string DatabasePath => Path.Combine(_directory, ".syncplane", "state.db");

    protected override ISyncStore OpenStore() => new SqliteSyncStore(DatabasePath, Time);

    protected override async Task StartListeningAsync(ISyncStore store)
    {
        ((SqliteSyncStore)store).StartListening();

        // Starting to watch wakes both kinds of waiter once (touches made before it were missed): take those.
        await store.WaitForWorkAsync(TimeSpan.Zero, Ct);
        await store.WaitForEventsAsync(TimeSpan.Zero, Ct);
    }

    protected override async Task FailRunInsertsOfAsync(string target, bool fail)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = fail
            ? $"CREATE TRIGGER test_fail_run_insert BEFORE INSERT ON runs WHEN NEW.target = '{target}' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
            : "DROP TRIGGER test_fail_run_insert";
        await command.ExecuteNonQueryAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Reopening_TheFile_KeepsRunsLogsAndItems()
    {
        var id = await Store.StartRunAsync(new NewRun("docs", "cli", "pull", false), Ct);
        await Store.AppendLogAsync(id, [new(Time.UtcNow, Syncplane.Engine.LogLevel.Info, "hello")], Ct);
        await Store.UpdateItemIndexAsync("docs", "destination", [new Item("a", ItemKind.File, 1, 2)], [], Ct);
        await Store.DisposeAsync();

        await using var reopened = new SqliteSyncStore(DatabasePath, Time);
        await reopened.MigrateAsync(Ct);

        Assert.Equal("docs", (await reopened.GetRunAsync(id, Ct))?.Target);
        Assert.Equal("hello", Assert.Single(await reopened.GetLogAsync(id, Ct)).Message);
        Assert.Single(await reopened.GetItemIndexAsync("docs", "destination", Ct));
    }

    [Fact]
    public async Task WaitForWorkAsync_AnEnqueueOnAnotherStoreBeforeTheFirstWait_IsNotMissed()
    {
        await Store.EnqueueAsync(new RunRequest("docs", "cli", RunPriority.Manual, Time.UtcNow), Ct);
        var other = Open();

        // Nothing watched the wake files when the enqueue touched them: starting to watch wakes the first wait instead.
        await other.WaitForWorkAsync(TimeSpan.FromSeconds(30), Ct).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(File.Exists(Path.Combine(DatabasePath + "-wake", "queue")));
    }

    [Fact]
    public async Task WakeFiles_WhenTheirDirectoryCannotBeMade_EnqueueStillWorksAndWaitersFallBackToTheirMaxWait()
    {
        await File.WriteAllTextAsync(DatabasePath + "-wake", "a file where the wake directory would go");
        var other = Open();
        await StartListeningAsync(other);
        var waiting = other.WaitForWorkAsync(TimeSpan.FromSeconds(30), Ct);

        await Store.EnqueueAsync(new RunRequest("docs", "cli", RunPriority.Manual, Time.UtcNow), Ct);
        await Task.Delay(200);
        Assert.False(waiting.IsCompleted);
        Time.Advance(TimeSpan.FromSeconds(30));

        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("docs", (await other.ClaimAsync("w1", TimeSpan.FromMinutes(1), Ct))?.Target);
    }

    [Fact]
    public async Task FoldRunRollups_BacklogOfSeveralChunks_IsFoldedInFull_EachRunCountedOnce()
    {
        // Runs that finished while no node folded (only `syncplane run`, say): more than one fold's chunk.
        var id = await Store.StartRunAsync(new NewRun("docs", "cli", "pull", false), Ct);
        await Store.CompleteRunAsync(id, new RunCompletion { Status = RunStatus.Succeeded, Message = "done" }, Ct);
        var backlog = (RollupFolding.ChunkSize * 2) + 500;
        await using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var copy = connection.CreateCommand();
            copy.CommandText = $"WITH RECURSIVE n(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM n WHERE i < {backlog}) " +
                "INSERT INTO run_rollup_pending SELECT p.* FROM run_rollup_pending p CROSS JOIN n";
            await copy.ExecuteNonQueryAsync();
        }

        var day = new DateTimeOffset(Time.UtcNow.UtcDateTime.Date, TimeSpan.Zero);
        var docs = Assert.Single(await Store.ReadRunRollupsAsync(new RollupQuery(RollupPeriod.Day, day, day.AddDays(1), "docs"), Ct));

        Assert.Equal(((long)backlog, (long)backlog), (docs.Attempts, docs.Successes));
        Assert.Equal(0L, await Store.FoldRunRollupsAsync(Ct));
    }

    [Fact]
    public async Task MigrateAsync_RecordsEachSchemaVersionOnceAndUsesWal()
    {
        await Store.MigrateAsync(Ct);

        Assert.Equal(SqliteMigrations.All.Count, await ((SqliteSyncStore)Store).GetSchemaVersionAsync(Ct));
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT version, applied_at FROM schema_migrations ORDER BY version";
        var rows = new List<(long, string)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetInt64(0), reader.GetString(1)));
            }
        }

        Assert.Equal(Enumerable.Range(1, SqliteMigrations.All.Count).Select(v => (long)v), rows.Select(r => r.Item1));
        Assert.All(rows, r => Assert.Equal(Time.UtcNow, DateTimeOffset.Parse(r.Item2, null)));
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task MigrateAsync_FromVersion1WithTwoRunningRunsOfATarget_KeepsTheNewestRunningAndFillsTheQueueColumns()
    {
        var path = Path.Combine(_directory, "v1.db");
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = SqliteMigrations.MigrationTable + ";" + SqliteMigrations.All[0].Sql +
                ";INSERT INTO schema_migrations (version, applied_at) VALUES (1, '2026-01-01T00:00:00.0000000Z');" +
                "INSERT INTO runs (target, trigger, direction, dry_run, status, queued_at, started_at, finished_at) VALUES " +
                "('docs', 'cli', 'pull', 0, 'running', '2026-01-01T00:00:00.0000000Z', '2026-01-01T00:00:00.0000000Z', NULL), " +
                "('docs', 'schedule', 'pull', 0, 'running', '2026-01-01T01:00:00.0000000Z', '2026-01-01T01:00:00.0000000Z', NULL), " +
                "('docs', 'webhook', 'pull', 0, 'succeeded', '2026-01-01T02:00:00.0000000Z', '2026-01-01T02:00:00.0000000Z', '2026-01-01T02:00:01.0000000Z'), " +
                "('other', 'cli', 'pull', 0, 'running', '2026-01-01T03:00:00.0000000Z', '2026-01-01T03:00:00.0000000Z', NULL)";
            await command.ExecuteNonQueryAsync();
        }

        await using var store = new SqliteSyncStore(path, Time);
        await store.MigrateAsync(Ct);

        await AssertVersion1RunsUpgradedAsync(store);
    }

    [Fact]
    public async Task MigrateAsync_From15_FillsTargetFacts_FromFoldedAndPendingRuns()
    {
        var path = Path.Combine(_directory, "v15.db");
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync();
            await BuildStoreBeforeTargetFactsAsync(SqliteMigrations.All, SqliteMigrations.MigrationTable, 15, 16, "0", async sql =>
            {
                await using var command = connection.CreateCommand();
                command.CommandText = sql;
                await command.ExecuteNonQueryAsync();
            });
        }

        await using var store = new SqliteSyncStore(path, Time);
        await AssertTargetFactsBackfilledAsync(store);
    }

    [Fact]
    public async Task MigrateAsync_OnADatabaseFromANewerVersion_RefusesWithAClearError()
    {
        await using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO schema_migrations (version, applied_at) VALUES (999, 'x')";
            await command.ExecuteNonQueryAsync();
        }

        var error = await Assert.ThrowsAsync<SchemaTooNewException>(() => Store.MigrateAsync(Ct));
        Assert.Contains("version 999", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateItemIndexAsync_HundredThousandItems_OneTransaction()
    {
        var items = Enumerable.Range(0, 100_000)
            .Select(i => new Item($"d{i % 1000}/f{i}.bin", ItemKind.File, i, 638_000_000_000_000_000 + i, 420, Convert.ToHexStringLower(BitConverter.GetBytes((long)i * 31))))
            .ToList();

        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var insert = Stopwatch.StartNew();
        await Store.UpdateItemIndexAsync("bench", "source", items, [], Ct);
        insert.Stop();
        var insertCpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        var update = Stopwatch.StartNew();
        await Store.UpdateItemIndexAsync("bench", "source", [.. items.Select(i => i with { Size = i.Size + 1 })], [], Ct);
        update.Stop();
        var read = Stopwatch.StartNew();
        var index = await Store.GetItemIndexAsync("bench", "source", Ct);
        read.Stop();

        // Timing is reported, not asserted: this machine is shared. CPU time is the steadier figure.
        output.WriteLine($"100k upserts (insert): {insert.ElapsedMilliseconds} ms wall, {insertCpu.TotalMilliseconds:0} ms CPU (whole process); 100k upserts (update): {update.ElapsedMilliseconds} ms; read 100k: {read.ElapsedMilliseconds} ms");
        Assert.Equal(100_000, index.Count);
        Assert.Equal(items[77_777] with { Size = 77_778 }, index[items[77_777].Key]);
    }
}
