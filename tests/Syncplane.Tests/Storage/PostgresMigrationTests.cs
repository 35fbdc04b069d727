using Npgsql;
using Syncplane.Storage.Postgres;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Storage;

/// <summary>Several nodes starting together on one PostgreSQL database.</summary>
public sealed class PostgresMigrationTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task StoresMigratingConcurrentlyOnAnEmptyDatabase_AllSucceedAndEachVersionIsRecordedOnce()
    {
        // A fresh database first, then fresh schemas: more rounds, more chances for the migrators to overlap.
        List<string> targets = [await database.CreateDatabaseAsync(), database.CreateSchema(), database.CreateSchema(), database.CreateSchema()];
        foreach (var connectionString in targets)
        {
            var stores = Enumerable.Range(0, 4).Select(_ => new PostgresSyncStore(connectionString, _time)).ToList();
            try
            {
                using var start = new Barrier(stores.Count);
                await Task.WhenAll(stores.Select(store => Task.Run(async () =>
                {
                    start.SignalAndWait();
                    await store.MigrateAsync(CancellationToken.None);
                })));

                Assert.Equal(
                    Enumerable.Range(1, PostgresMigrations.All.Count).Select(v => (v, 1L)),
                    await QueryAsync(connectionString, "SELECT version, count(*) FROM schema_migrations GROUP BY version ORDER BY version", r => (r.GetInt32(0), r.GetInt64(1))));
                Assert.All(stores, s => Assert.Equal(PostgresMigrations.All.Count, s.GetSchemaVersionAsync(CancellationToken.None).Result));
            }
            finally
            {
                foreach (var store in stores)
                {
                    await store.DisposeAsync();
                }
            }
        }
    }

    [Fact]
    public async Task MigrateAsync_WaitsWhileAnotherNodeHoldsTheMigrationLock()
    {
        var connectionString = database.CreateSchema();
        await using var store = new PostgresSyncStore(connectionString, _time);
        await using var other = new NpgsqlConnection(connectionString);
        await other.OpenAsync();
        var holding = await other.BeginTransactionAsync();
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({PostgresSyncStore.MigrationLockKey})", other, holding))
        {
            await take.ExecuteNonQueryAsync();
        }

        var migrating = store.MigrateAsync(CancellationToken.None);
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.False(migrating.IsCompleted, "the migration ran while another node held the migration lock");
        Assert.Empty(await QueryAsync(connectionString, "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema()", r => r.GetInt32(0)));

        await holding.RollbackAsync();
        await migrating;

        Assert.Equal(PostgresMigrations.All.Count, await store.GetSchemaVersionAsync(CancellationToken.None));
    }

    [Fact]
    public async Task RunsTable_StatusAndFinishTimeAreIndexedOnlyWhereReadersAskForThem_SoAClaimOrCompletionAddsFewIndexEntries()
    {
        // A claim and a completion change status, which partial indexes name, so neither update is HOT: each adds an
        // entry to every full B-tree index. The others index only the runs in the state their readers ask for.
        var connectionString = database.CreateSchema();
        await using (var store = new PostgresSyncStore(connectionString, _time))
        {
            await store.MigrateAsync(CancellationToken.None);
        }

        var full = await QueryAsync(connectionString,
            "SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid JOIN pg_am a ON a.oid = i.relam " +
            "WHERE t.relname = 'runs' AND t.relnamespace = current_schema()::regnamespace AND x.indpred IS NULL AND a.amname = 'btree' ORDER BY 1",
            r => r.GetString(0));
        Assert.Equal(["runs_by_queued_at", "runs_by_target", "runs_pkey"], full);
    }

    private static async Task<List<T>> QueryAsync<T>(string connectionString, string sql, Func<NpgsqlDataReader, T> read)
    {
        await using var connection = new NpgsqlConnection(connectionString);
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
