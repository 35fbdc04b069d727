using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Syncplane.Planning;

namespace Syncplane.Storage.Sqlite;

/// <summary>The embedded store: one SQLite file in WAL mode (by default under <c>.syncplane/</c>).</summary>
/// <remarks>
/// Connections come from Microsoft.Data.Sqlite's pool, one per call. Each gets
/// <c>busy_timeout</c> (a writer waits for another instead of failing with SQLITE_BUSY),
/// <c>foreign_keys</c> and <c>synchronous=FULL</c>: a committed run record survives power loss,
/// not only a killed process, at the cost of one fsync per commit (claims and leased completions excepted:
/// <see cref="BeginLeaseWriteAsync"/>; a batch of webhook deliveries is fsynced after its commit, outside the write lock:
/// <see cref="AcceptDeliveriesAsync"/>). An 8 MB page cache per
/// connection keeps the inner pages of a large item index in memory without inflating every pooled
/// connection (index writes are sorted by key, so they touch few leaves). Write transactions start with
/// <c>BEGIN IMMEDIATE</c>, so two writers queue on the lock instead of deadlocking on an upgrade; writers of this
/// process queue before that on <see cref="SqliteWriteGate"/>.
/// Other processes on the same file hear of enqueues and events through <see cref="SqliteWakeFiles"/>.
/// </remarks>
internal sealed partial class SqliteSyncStore : SqlSyncStore
{
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";
    private const int BusyTimeoutMs = 30_000;

    /// <summary>Where the store lives unless configured otherwise, relative to the working directory.</summary>
    public const string DefaultPath = ".syncplane/syncplane.db";

    private readonly string _connectionString;
    private readonly SqliteWakeFiles _wake;
    private readonly SqliteWriteGate _writeGate = new(TimeSpan.FromMilliseconds(BusyTimeoutMs));
    private readonly SqliteWalSync _walSync;
    private int _walEnabled;

    // About 1,000 WAL pages (SQLite's default checkpoint size) at a few pages per write.
    private const int WritesPerCheckpoint = 250;
    private int _writesSinceCheckpoint;
    private int _checkpointing;

    /// <summary>Creates a store on the file at <paramref name="databasePath"/>, creating its directory.</summary>
    public SqliteSyncStore(string databasePath, TimeProvider time)
        : base(time)
    {
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        DatabasePath = Path.GetFullPath(databasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            ForeignKeys = true,
            DefaultTimeout = BusyTimeoutMs / 1000,
        }.ToString();
        _wake = new SqliteWakeFiles(DatabasePath, Signal, EventSignal);
        _walSync = new SqliteWalSync(DatabasePath + "-wal");
    }

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath { get; }

    /// <inheritdoc />
    protected override IReadOnlyList<Migration> Migrations => SqliteMigrations.All;

    /// <inheritdoc />
    protected override string MigrationTableSql => SqliteMigrations.MigrationTable;

    /// <summary>
    /// Without ANALYZE statistics SQLite picks runs_by_status and sorts every queued row on each claim
    /// (about 5 ms at 20,000 queued); the partial claim-order index gives the next run directly.
    /// </summary>
    protected override string ClaimCandidatesSql => "runs q INDEXED BY runs_claim_order";

    /// <inheritdoc />
    private protected override string OneTargetsRunRollups => "run_rollups INDEXED BY run_rollups_by_target";

    /// <inheritdoc />
    private protected override string AnyOf(DbCommand command, string column, string parameter, IReadOnlyCollection<string> values)
    {
        Add(command, parameter, System.Text.Json.JsonSerializer.Serialize(values));
        return $"{column} IN (SELECT value FROM json_each({parameter}))";
    }

    /// <inheritdoc />
    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);

            // journal_mode is stored in the file; setting it once per store is enough.
            var pragmas = Volatile.Read(ref _walEnabled) == 0
                ? $"PRAGMA busy_timeout = {BusyTimeoutMs}; PRAGMA synchronous = FULL; PRAGMA cache_size = -8192; PRAGMA wal_autocheckpoint = 10000; PRAGMA journal_mode = WAL;"
                : $"PRAGMA busy_timeout = {BusyTimeoutMs}; PRAGMA synchronous = FULL; PRAGMA cache_size = -8192; PRAGMA wal_autocheckpoint = 10000;";
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = pragmas;
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            Volatile.Write(ref _walEnabled, 1);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    /// <remarks>After the commit, not inside it as PostgreSQL's NOTIFY: a reader woken earlier would find nothing new and wait again.</remarks>
    protected override void QueueChangeCommitted() => _wake.TouchQueue();

    /// <inheritdoc />
    protected override void EventsCommitted() => _wake.TouchEvents();

    /// <inheritdoc />
    protected override Task EnsureListeningAsync(CancellationToken cancellationToken)
    {
        _wake.EnsureWatching();
        return Task.CompletedTask;
    }

    /// <summary>Starts watching for other processes' wake-ups now (the first wait would); its first wake-up of each kind follows at once.</summary>
    internal void StartListening() => _wake.EnsureWatching();

    /// <inheritdoc />
    /// <remarks>
    /// <c>synchronous=NORMAL</c> for this connection's next commits (each open sets FULL again): in WAL mode the commit
    /// survives a killed process but may roll back on power loss, until a later fsynced commit or checkpoint, which
    /// keeps everything before it. The queue recovers either loss.
    /// </remarks>
    protected override async ValueTask<DbTransaction> BeginLeaseWriteAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await CommitWithoutFsyncAsync(connection, cancellationToken);
        return await BeginWriteAsync(connection, cancellationToken);
    }

    /// <inheritdoc />
    private protected override int DeliveryBatchWriters => 2;

    private static async Task CommitWithoutFsyncAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous = NORMAL";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    protected override async ValueTask<DbTransaction> BeginWriteTransactionAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await _writeGate.EnterAsync(connection, cancellationToken);
        if (Interlocked.Increment(ref _writesSinceCheckpoint) >= WritesPerCheckpoint)
        {
            StartCheckpoint();
        }

        return ((SqliteConnection)connection).BeginTransaction(deferred: false);
    }

    // SQLite's own checkpoint (wal_autocheckpoint) runs inside the commit that grows the WAL past 1,000 pages: that
    // writer copies the pages into the database file and fsyncs it while every other writer of the process waits
    // behind it (a tail of hundreds of milliseconds at 1,000 webhook deliveries/s). Here a passive checkpoint runs on
    // its own connection beside the writers instead: it takes no write lock, so commits go on appending to the WAL.
    // SQLite's own still steps in past 10,000 pages (40 MB), after a very large write.
    private void StartCheckpoint()
    {
        if (Interlocked.Exchange(ref _checkpointing, 1) == 1)
        {
            return;
        }

        Interlocked.Exchange(ref _writesSinceCheckpoint, 0);
        _ = Task.Run(async () =>
        {
            var started = Telemetry.StageTimes.Start();
            try
            {
                // Not pooled: a checkpoint still running when the store is disposed leaves no connection open behind it.
                await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder(_connectionString) { Pooling = false }.ToString());
                await connection.OpenAsync();
                await using var command = connection.CreateCommand();
                command.CommandText = $"PRAGMA busy_timeout = {BusyTimeoutMs}; PRAGMA wal_checkpoint(PASSIVE);";
                await command.ExecuteNonQueryAsync();
            }
            catch (Exception ex) when (ex is SqliteException or ObjectDisposedException or InvalidOperationException)
            {
                // The next one catches up; the WAL is checkpointed in full when the store's last connection closes.
            }
            finally
            {
                Telemetry.StageTimes.Since("sqlite.checkpoint", started);
                Volatile.Write(ref _checkpointing, 0);
            }
        });
    }

    /// <inheritdoc />
    protected override Task WriteItemsAsync(
        DbTransaction transaction, string target, string side, IReadOnlyList<Item> upserts, IReadOnlyCollection<string> deletes, CancellationToken cancellationToken)
    {
        var connection = (SqliteConnection)transaction.Connection!;
        SqliteItemWriter.Upsert(connection, UpsertItemSql, target, side, upserts, cancellationToken);
        SqliteItemWriter.Delete(connection, DeleteItemSql, target, side, deletes, cancellationToken);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    protected override bool IsUniqueViolation(DbException exception) =>
        exception is SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 };

    /// <inheritdoc />
    protected override object ToDbTime(DateTimeOffset value) =>
        ToMicroseconds(value).UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    /// <inheritdoc />
    protected override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) =>
        DateTimeOffset.ParseExact(reader.GetString(ordinal), TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    /// <inheritdoc />
    public override ValueTask DisposeAsync()
    {
        _wake.Dispose();
        _writeGate.Dispose();

        // Pooled connections keep the file open; release them so the file can be moved or deleted.
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        return ValueTask.CompletedTask;
    }
}
