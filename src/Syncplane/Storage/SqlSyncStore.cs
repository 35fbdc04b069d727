using System.Data.Common;

namespace Syncplane.Storage;

/// <summary>
/// <see cref="ISyncStore"/> over ADO.NET, in SQL that SQLite and PostgreSQL both accept
/// (<c>@name</c> parameters, <c>RETURNING</c>, <c>ON CONFLICT … DO UPDATE</c>, <c>LIMIT</c>).
/// </summary>
/// <remarks>
/// A dialect subclass supplies only what differs: how to open a connection, its migrations,
/// how a write transaction starts, how timestamps are bound and read, and how concurrent
/// migrators are kept apart. Every call opens its own connection (the provider pools them) and
/// runs in its own short transaction, so the store is safe to use from several threads.
/// </remarks>
internal abstract partial class SqlSyncStore : ISyncStore
{
    protected SqlSyncStore(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        Time = time;
    }

    /// <summary>The clock every stored timestamp comes from.</summary>
    protected TimeProvider Time { get; }

    /// <summary>The dialect's migrations, in version order starting at 1.</summary>
    protected abstract IReadOnlyList<Migration> Migrations { get; }

    /// <summary><c>CREATE TABLE IF NOT EXISTS schema_migrations (version …, applied_at …)</c> in the dialect's types.</summary>
    protected abstract string MigrationTableSql { get; }

    /// <summary>Opens a connection with the dialect's session settings applied.</summary>
    protected abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Starts a transaction that will write.</summary>
    protected async ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var transaction = await BeginWriteTransactionAsync(connection, cancellationToken);
        ForgetAppendedEvents(transaction); // a provider may reuse a transaction object whose last use rolled back
        return transaction;
    }

    /// <summary>
    /// Starts a transaction that claims or completes a leased run: one whose loss the queue recovers from (a lost claim
    /// leaves the run queued; a lost completion leaves it running until its lease expires and it runs again), or that
    /// queues a <see cref="RunRequest.Recoverable"/> request. SQLite commits it without an fsync.
    /// </summary>
    protected virtual ValueTask<DbTransaction> BeginLeaseWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        BeginWriteAsync(connection, cancellationToken);

    /// <summary>Starts a transaction that will write; SQLite takes the write lock up front.</summary>
    protected virtual ValueTask<DbTransaction> BeginWriteTransactionAsync(DbConnection connection, CancellationToken cancellationToken) =>
        connection.BeginTransactionAsync(cancellationToken);

    /// <summary>Keeps two processes from migrating at once (PostgreSQL: an advisory lock). SQLite's write lock already does.</summary>
    protected virtual Task LockForMigrationAsync(DbTransaction transaction, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Appended to a query that reads a row before the transaction changes what depends on it (a run
    /// before its log grows, a rate-limit bucket before it is debited), to lock the row until the
    /// transaction ends (PostgreSQL: <c> FOR NO KEY UPDATE</c>). Empty where a write transaction
    /// already excludes other writers (SQLite).
    /// </summary>
    protected virtual string LockRowSql => string.Empty;

    /// <summary>The value to bind for a timestamp column; kept to the microsecond (see <see cref="ToMicroseconds"/>).</summary>
    protected abstract object ToDbTime(DateTimeOffset value);

    /// <summary>Reads a timestamp column written by <see cref="ToDbTime"/>, as UTC.</summary>
    protected abstract DateTimeOffset ReadTime(DbDataReader reader, int ordinal);

    /// <inheritdoc />
    public abstract ValueTask DisposeAsync();

    /// <summary>
    /// <paramref name="value"/> in UTC, cut to whole microseconds: PostgreSQL's <c>timestamptz</c>
    /// resolution, applied by every dialect so that a time reads back the same from each store.
    /// </summary>
    protected static DateTimeOffset ToMicroseconds(DateTimeOffset value)
    {
        var utc = value.ToUniversalTime();
        return utc.AddTicks(-(utc.Ticks % TimeSpan.TicksPerMicrosecond));
    }

    /// <inheritdoc />
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var migrations = Migrations;
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
            {
                throw new InvalidOperationException($"migration '{migrations[i].Name}' has version {migrations[i].Version}, expected {i + 1}");
            }
        }

        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        await LockForMigrationAsync(transaction, cancellationToken);
        await ExecuteAsync(transaction, MigrationTableSql, cancellationToken);
        var current = await ReadVersionAsync(transaction, cancellationToken);
        if (current > migrations.Count)
        {
            throw new SchemaTooNewException(current, migrations.Count);
        }

        foreach (var migration in migrations.Skip(current))
        {
            await ExecuteAsync(transaction, migration.Sql, cancellationToken);
            await using var record = Command(transaction, "INSERT INTO schema_migrations (version, applied_at) VALUES (@version, @at)");
            Add(record, "@version", migration.Version);
            Add(record, "@at", ToDbTime(Time.GetUtcNow()));
            await record.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The highest applied migration, 0 for an empty database.</summary>
    internal async Task<int> GetSchemaVersionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        await LockForMigrationAsync(transaction, cancellationToken);
        await ExecuteAsync(transaction, MigrationTableSql, cancellationToken);
        var version = await ReadVersionAsync(transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return version;
    }

    private static async Task<int> ReadVersionAsync(DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = Command(transaction, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    private protected static async Task ExecuteAsync(DbTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(transaction, sql);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private protected static DbCommand Command(DbTransaction transaction, string sql)
    {
        var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private protected static DbCommand Command(DbConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    /// <summary>
    /// The predicate "<paramref name="column"/> is one of <paramref name="values"/>", the values in the one parameter
    /// <paramref name="parameter"/>: a project may have more targets than SQLite's 32,766 parameters.
    /// </summary>
    private protected abstract string AnyOf(DbCommand command, string column, string parameter, IReadOnlyCollection<string> values);

    private protected static DbParameter Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter;
    }
}
