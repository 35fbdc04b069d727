using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Syncplane.Storage;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Connectors.Sql;

/// <summary>
/// The sql destination into a SQLite file. Writes are counted by triggers on ad_metrics that add to a counter table
/// inside the same transaction, so they count exactly the rows SQLite inserted, updated and deleted.
/// </summary>
public sealed class SqliteSqlDestinationTests : SqlDestinationContract, IDisposable
{
    private readonly TempDirectory _dir = new();

    private string File => _dir.Combine("metrics.db");

    protected override string ConnectionValue => File;

    protected override string CollatedText => "TEXT COLLATE NOCASE";

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ARunThatMeetsAnotherWritersLock_WaitsForIt_ThenWritesItsChange()
    {
        await RunAsync();
        Api.Row("120210001", "2026-01-01")["spend"] = "13.50";
        await using var other = await OpenAsync();
        await using (var begin = other.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE"; // another writer holds the file's write lock
            await begin.ExecuteNonQueryAsync();
        }

        var run = RunAsync();
        await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(2))); // meanwhile the run reads, then waits for the lock to write
        await using (var rollback = other.CreateCommand())
        {
            rollback.CommandText = "ROLLBACK";
            await rollback.ExecuteNonQueryAsync();
        }

        var result = await run;

        Assert.True(result.Status == RunStatus.Succeeded, result.Message);
        Assert.Equal("13.5", (await RowsAsync())["120210001/2026-01-01"]["spend"]);
    }

    protected override async Task StartCountingAsync() => await ExecuteAsync("""
        CREATE TABLE IF NOT EXISTS write_counts (kind TEXT PRIMARY KEY, n INTEGER NOT NULL);
        INSERT OR IGNORE INTO write_counts VALUES ('insert', 0), ('update', 0), ('delete', 0);
        CREATE TRIGGER IF NOT EXISTS count_inserts AFTER INSERT ON ad_metrics BEGIN UPDATE write_counts SET n = n + 1 WHERE kind = 'insert'; END;
        CREATE TRIGGER IF NOT EXISTS count_updates AFTER UPDATE ON ad_metrics BEGIN UPDATE write_counts SET n = n + 1 WHERE kind = 'update'; END;
        CREATE TRIGGER IF NOT EXISTS count_deletes AFTER DELETE ON ad_metrics BEGIN UPDATE write_counts SET n = n + 1 WHERE kind = 'delete'; END;
        """);

    protected override async Task<(long Inserted, long Updated, long Deleted)> WritesAsync()
    {
        var counts = await ExecuteScalarListAsync("SELECT n FROM write_counts ORDER BY CASE kind WHEN 'insert' THEN 0 WHEN 'update' THEN 1 ELSE 2 END");
        return (long.Parse(counts[0]!, CultureInfo.InvariantCulture), long.Parse(counts[1]!, CultureInfo.InvariantCulture), long.Parse(counts[2]!, CultureInfo.InvariantCulture));
    }

    protected override string? Text(object value) => value switch
    {
        DBNull => null,
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    protected override async Task<DbConnection> OpenAsync()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = File, Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}
