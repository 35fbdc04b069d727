using System.Data.Common;
using System.Globalization;
using Npgsql;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Connectors.Sql;

/// <summary>
/// The sql destination into a real PostgreSQL (<c>SYNCPLANE_TEST_POSTGRES</c>), a schema of its own per test. Writes are
/// counted by PostgreSQL's statistics (<c>pg_stat_user_tables</c>: tuples inserted, updated, deleted, and dead), read
/// once the destination's connection has ended and flushed them.
/// </summary>
public sealed class PostgresSqlDestinationTests(PostgresDatabase database) : SqlDestinationContract, IClassFixture<PostgresDatabase>
{
    private readonly string _connection = database.CreateSchema();
    private (long Inserted, long Updated, long Deleted) _baseline;

    private string Schema => new NpgsqlConnectionStringBuilder(_connection).SearchPath!;

    protected override string ConnectionValue => _connection;

    protected override string CollatedText => "text COLLATE \"en-x-icu\"";

    protected override async Task StartCountingAsync()
    {
        var (inserted, updated, deleted, _) = await StatisticsAsync();
        _baseline = (inserted, updated, deleted);
    }

    protected override async Task<(long Inserted, long Updated, long Deleted)> WritesAsync()
    {
        var (inserted, updated, deleted, dead) = await StatisticsAsync();
        var writes = (inserted - _baseline.Inserted, updated - _baseline.Updated, deleted - _baseline.Deleted);
        if (writes == (0, 0, 0))
        {
            Assert.Equal(0, dead); // no update setting equal values, no rolled-back insert: nothing for vacuum
        }

        return writes;
    }

    [Fact]
    public async Task FirstRun_CountedByPostgres_InsertsFiveRowsAndLeavesNoDeadTuples()
    {
        await StartCountingAsync(); // before the table exists: all zero

        var result = await RunAsync();

        Assert.Equal(Syncplane.Storage.RunStatus.Succeeded, result.Status);
        Assert.Equal((5, 0, 0), await WritesAsync());
        Assert.Equal(0, (await StatisticsAsync()).Dead);
    }

    protected override string? Text(object value) => value switch
    {
        DBNull => null,
        decimal d => (d / 1.0000000000000000000000000000m).ToString(CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime d when d.TimeOfDay == TimeSpan.Zero && d.Kind != DateTimeKind.Utc => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime d => d.ToString("O", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// ad_metrics's counters once no connection of the destination is left: a backend flushes its statistics when it
    /// ends, and the destination's connections are not pooled, so the counts are final then.
    /// </summary>
    private async Task<(long Inserted, long Updated, long Deleted, long Dead)> StatisticsAsync()
    {
        await using var connection = await OpenNpgsqlAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await ScalarAsync(connection, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'syncplane'") > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the destination's connection did not end");
            await Task.Delay(50);
        }

        await ScalarAsync(connection, "SELECT 0 FROM (SELECT pg_stat_clear_snapshot()) s");
        await using var command = new NpgsqlCommand(
            "SELECT n_tup_ins, n_tup_upd, n_tup_del, n_dead_tup FROM pg_stat_user_tables WHERE schemaname = @schema AND relname = 'ad_metrics'", connection);
        command.Parameters.AddWithValue("schema", Schema);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3)) : (0, 0, 0, 0);
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    protected override async Task<DbConnection> OpenAsync() => await OpenNpgsqlAsync();

    private async Task<NpgsqlConnection> OpenNpgsqlAsync()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_connection) { Pooling = false, ApplicationName = "syncplane-test" }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}
