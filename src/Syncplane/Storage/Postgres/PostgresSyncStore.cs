using System.Data.Common;
using Npgsql;
using Syncplane.Planning;

namespace Syncplane.Storage.Postgres;

/// <summary>The shared store for several nodes: one PostgreSQL database, through Npgsql.</summary>
/// <remarks>
/// Connections come from one pooled <see cref="NpgsqlDataSource"/> per store, one per call.
/// Migrations run under a transaction-scoped advisory lock, so nodes that start together migrate
/// once and the others wait, then find nothing left to do. The password never leaves the data
/// source: <c>Persist Security Info</c> is forced off (Npgsql then strips it from every
/// connection string it hands out) and <see cref="Description"/> leaves it out.
/// </remarks>
internal sealed partial class PostgresSyncStore : SqlSyncStore
{
    /// <summary>The one-bigint advisory lock key that migrators take ("syncplan" in ASCII).</summary>
    internal const long MigrationLockKey = 0x73796E63706C616E;

    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresListener _listener;
    private readonly int _autoPrepareMinUsages;

    /// <summary>Creates a store; nothing connects until the first call.</summary>
    /// <param name="connectionString">A <c>postgres://</c> URL or an Npgsql key=value string.</param>
    /// <param name="time">The clock every stored timestamp comes from.</param>
    /// <exception cref="ArgumentException">The connection string is malformed (the message leaves the string out).</exception>
    public PostgresSyncStore(string connectionString, TimeProvider time)
        : base(time)
    {
        var builder = PostgresConnectionString.Parse(connectionString);
        builder.PersistSecurityInfo = false;
        if (string.IsNullOrEmpty(builder.ApplicationName))
        {
            builder.ApplicationName = "syncplane";
        }

        // The queue's few statements run thousands of times a second: prepared, PostgreSQL skips parsing and planning them.
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 64;
        }

        _autoPrepareMinUsages = builder.AutoPrepareMinUsages;

        // The store keeps no session state on its pooled connections (its advisory locks are transaction-scoped, it sets
        // nothing, and LISTEN has a connection of its own), so the reset Npgsql would otherwise send before reusing one
        // (seven statements, a transaction of their own) is wasted: it doubled the commits of every queue step.
        builder.NoResetOnClose = true;

        Description = PostgresConnectionString.Describe(builder);
        _dataSource = NpgsqlDataSource.Create(builder);
        _listener = new PostgresListener(
            builder, new Dictionary<string, QueueSignal> { [PostgresListener.QueueChannel] = Signal, [PostgresListener.EventsChannel] = EventSignal }, time);
    }

    /// <summary>Where the store lives, as a URL without the password: safe for logs and status output.</summary>
    public string Description { get; }

    /// <summary>The connection string as Npgsql keeps it (without the password once a connection opened).</summary>
    internal string DataSourceConnectionString => _dataSource.ConnectionString;

    /// <inheritdoc />
    protected override IReadOnlyList<Migration> Migrations => PostgresMigrations.All;

    /// <inheritdoc />
    protected override string MigrationTableSql => PostgresMigrations.MigrationTable;

    /// <inheritdoc />
    /// <remarks>
    /// Two appenders to one run would read the same last line number, and two nodes debiting one rate-limit
    /// bucket the same tokens; the row lock makes the second wait. It leaves the key alone, so it blocks no
    /// foreign-key checks.
    /// </remarks>
    protected override string LockRowSql => " FOR NO KEY UPDATE";

    /// <inheritdoc />
    protected override string SkipLockedSql => " FOR UPDATE SKIP LOCKED";

    /// <inheritdoc />
    private protected override string AnyOf(DbCommand command, string column, string parameter, IReadOnlyCollection<string> values)
    {
        Add(command, parameter, values.ToArray());
        return $"{column} = ANY({parameter})";
    }

    /// <inheritdoc />
    protected override bool IsUniqueViolation(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    /// <inheritdoc />
    protected override Task EnsureListeningAsync(CancellationToken cancellationToken) => _listener.EnsureStartedAsync(cancellationToken);

    /// <summary>Starts the LISTEN connection now; returns once its first attempt succeeded or failed.</summary>
    internal Task StartListeningAsync(CancellationToken cancellationToken) => _listener.EnsureStartedAsync(cancellationToken);

    /// <inheritdoc />
    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    /// <inheritdoc />
    protected override async Task LockForMigrationAsync(DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = Command(transaction, "SELECT pg_advisory_xact_lock(@key)");
        Add(command, "@key", MigrationLockKey);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    protected override Task WriteItemsAsync(
        DbTransaction transaction, string target, string side, IReadOnlyList<Item> upserts, IReadOnlyCollection<string> deletes, CancellationToken cancellationToken) =>
        PostgresItemWriter.WriteAsync((NpgsqlTransaction)transaction, target, side, upserts, deletes, cancellationToken);

    /// <inheritdoc />
    /// <remarks>Npgsql writes a <c>timestamptz</c> only from a UTC value; it keeps microseconds.</remarks>
    protected override object ToDbTime(DateTimeOffset value) => ToMicroseconds(value);

    /// <inheritdoc />
    protected override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        await _listener.DisposeAsync();
        await _dataSource.DisposeAsync();
    }

    /// <inheritdoc />
    public override string ToString() => Description;
}
