using System.Globalization;
using Microsoft.Data.Sqlite;
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

    public void Dispose() => _dir.Dispose();

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

    protected override async Task<Dictionary<string, Dictionary<string, string?>>> RowsAsync()
    {
        await using var connection = Open();
        await using var command = new SqliteCommand("SELECT * FROM ad_metrics", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new Dictionary<string, Dictionary<string, string?>>();
        while (await reader.ReadAsync())
        {
            var row = Enumerable.Range(0, reader.FieldCount).ToDictionary(reader.GetName, i => Text(reader.GetValue(i)));
            rows[$"{row["campaign_id"]}/{row["date_start"]}"] = row;
        }

        return rows;
    }

    protected override async Task ExecuteAsync(string sql)
    {
        await using var connection = Open();
        await using var command = new SqliteCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    protected override async Task<List<string?>> ExecuteScalarListAsync(string sql)
    {
        await using var connection = Open();
        await using var command = new SqliteCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string?>();
        while (await reader.ReadAsync())
        {
            values.Add(Text(reader.GetValue(0)));
        }

        return values;
    }

    private static string? Text(object value) => value switch
    {
        DBNull => null,
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = File, Pooling = false }.ConnectionString);
        connection.Open();
        return connection;
    }
}
