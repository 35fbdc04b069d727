using System.Data.Common;
using System.Globalization;
using System.Text;
using Syncplane.Engine;
using Syncplane.Events;
using Syncplane.Planning;

namespace Syncplane.Storage;

internal abstract partial class SqlSyncStore
{
    private const string RunColumns =
        "id, target, trigger, direction, dry_run, attempt, status, queued_at, started_at, finished_at, message, " +
        "creates, updates, deletes, unchanged, bytes, source_revision, verification_passed, outputs_created, commit_sha, " +
        "priority, not_before, triggers, fence, worker_id";

    /// <inheritdoc />
    public async Task<long> StartRunAsync(NewRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentException.ThrowIfNullOrEmpty(run.Target);
        ArgumentOutOfRangeException.ThrowIfLessThan(run.Attempt, 1);
        var now = ToDbTime(Time.GetUtcNow());
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var transaction = await BeginWriteAsync(connection, cancellationToken);
            await using var command = Command(transaction,
                "INSERT INTO runs (target, trigger, triggers, direction, dry_run, attempt, status, queued_at, started_at, not_before, outputs_created, worker_id, lease_expires_at) " +
                "VALUES (@target, @trigger, @triggers, @direction, @dry_run, @attempt, @status, @now, @now, @now, '[]', @owner, @lease) RETURNING id");
            Add(command, "@target", run.Target);
            Add(command, "@trigger", run.Trigger);
            Add(command, "@triggers", StoreText.ToJsonArray([run.Trigger]));
            Add(command, "@direction", run.Direction);
            Add(command, "@dry_run", run.DryRun);
            Add(command, "@attempt", run.Attempt);
            Add(command, "@status", StoreText.From(RunStatus.Running));
            Add(command, "@now", now);
            Add(command, "@owner", run.Owner);
            Add(command, "@lease", run.Lease is { } lease ? ToDbTime(Time.GetUtcNow() + lease) : null);
            var id = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
            await AppendEventAsync(transaction, new NewEvent(EventTypes.RunStarted, run.Target, id,
                RunData(id, run.Target, ("attempt", run.Attempt), ("trigger", run.Trigger), ("worker", run.Owner))), cancellationToken);
            await CommitWithEventsAsync(transaction, cancellationToken);
            return id;
        }
        catch (DbException ex) when (IsUniqueViolation(ex))
        {
            // runs_one_running_per_target: the database refuses a second running run of one target.
            var running = await ListRunsAsync(new RunQuery(run.Target, RunStatus.Running, Limit: 1), cancellationToken);
            throw new TargetAlreadyRunningException(run.Target, running.Count > 0 ? running[0] : null, ex);
        }
    }

    /// <inheritdoc />
    public async Task<bool> CompleteRunAsync(long runId, RunCompletion completion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(completion);
        ThrowIfNotAnEnd(completion);

        return completion.Fence is not null
            ? await CompleteLeasedRunAsync(runId, completion, cancellationToken)
            : await CompleteInTransactionAsync(runId, completion, cancellationToken);
    }

    private static void ThrowIfNotAnEnd(RunCompletion completion)
    {
        if (completion.Status is RunStatus.Queued or RunStatus.Running)
        {
            throw new ArgumentException($"a run completes as succeeded, failed, refused or cancelled, not {completion.Status}", nameof(completion));
        }
    }

    /// <summary>
    /// Completes a run that is running under the completion's fence: false when the fence no longer
    /// matches. A dialect may do it in fewer round trips (PostgreSQL: one statement).
    /// </summary>
    private protected virtual Task<bool> CompleteLeasedRunAsync(long runId, RunCompletion completion, CancellationToken cancellationToken) =>
        CompleteInTransactionAsync(runId, completion, cancellationToken);

    /// <summary>The columns a completion sets; <see cref="AddCompletionParameters"/> binds them.</summary>
    private protected const string CompletionSetSql =
        "status = @status, finished_at = @now, message = @message, creates = @creates, updates = @updates, " +
        "deletes = @deletes, unchanged = @unchanged, bytes = @bytes, source_revision = @source_revision, " +
        "verification_passed = @verification_passed, outputs_created = @outputs_created, commit_sha = @commit_sha, " +
        "lease_expires_at = NULL";

    /// <summary>Binds <c>@id</c>, <c>@fence</c> (when set) and <see cref="CompletionSetSql"/>'s parameters.</summary>
    private protected void AddCompletionParameters(DbCommand command, long runId, RunCompletion completion, DateTimeOffset now)
    {
        var summary = completion.Summary;
        Add(command, "@id", runId);
        if (completion.Fence is { } fence)
        {
            Add(command, "@fence", fence);
        }

        Add(command, "@status", StoreText.From(completion.Status));
        Add(command, "@now", ToDbTime(now));
        Add(command, "@message", completion.Message);
        Add(command, "@creates", summary?.Creates);
        Add(command, "@updates", summary?.Updates);
        Add(command, "@deletes", summary?.Deletes);
        Add(command, "@unchanged", summary?.Unchanged);
        Add(command, "@bytes", summary?.BytesToWrite);
        Add(command, "@source_revision", completion.SourceRevision);
        Add(command, "@verification_passed", completion.VerificationPassed);
        Add(command, "@outputs_created", StoreText.ToJsonArray(completion.OutputsCreated));
        Add(command, "@commit_sha", completion.CommitSha);
    }

    /// <summary>False when the run exists (so a fence or status condition refused the completion); throws when it does not.</summary>
    private protected static async Task<bool> RunMissingAsync(DbConnection connection, DbTransaction? transaction, long runId, CancellationToken cancellationToken)
    {
        await using var exists = transaction is null ? Command(connection, "SELECT id FROM runs WHERE id = @id") : Command(transaction, "SELECT id FROM runs WHERE id = @id");
        Add(exists, "@id", runId);
        return await exists.ExecuteScalarAsync(cancellationToken) is null or DBNull
            ? throw new KeyNotFoundException($"run {runId} does not exist")
            : false;
    }

    private async Task<bool> CompleteInTransactionAsync(long runId, RunCompletion completion, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = completion.Fence is null
            ? await BeginWriteAsync(connection, cancellationToken)
            : await BeginLeaseWriteAsync(connection, cancellationToken);
        var completed = await CompleteAsync(transaction, runId, completion, cancellationToken);
        await CommitWithEventsAsync(transaction, cancellationToken);
        return completed;
    }

    /// <summary>Completes the run within <paramref name="transaction"/>, with its log lines and events; the caller commits.</summary>
    private protected async Task<bool> CompleteAsync(DbTransaction transaction, long runId, RunCompletion completion, CancellationToken cancellationToken)
    {
        await using var command = Command(transaction,
            "UPDATE runs SET " + CompletionSetSql + " WHERE id = @id" +
            (completion.Fence is null ? string.Empty : " AND status = 'running' AND fence = @fence") +
            " RETURNING target, attempt, trigger, started_at, dry_run");
        AddCompletionParameters(command, runId, completion, Time.GetUtcNow());
        (string Target, int Attempt, string Trigger, DateTimeOffset? StartedAt, bool DryRun)? ended = null;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                ended = (reader.GetString(0), reader.GetInt32(1), reader.GetString(2), reader.IsDBNull(3) ? null : ReadTime(reader, 3), reader.GetBoolean(4));
            }
        }

        if (ended is not { } run)
        {
            return await RunMissingAsync(transaction.Connection!, transaction, runId, cancellationToken);
        }

        await InsertLogLinesAsync(transaction, runId, completion.Log, cancellationToken);
        await AppendRunEndedEventsAsync(transaction, runId, run.Target, run.Attempt, run.Trigger, run.StartedAt, run.DryRun, completion, cancellationToken);
        return true;
    }

    /// <inheritdoc />
    public async Task<RunRecord?> GetRunAsync(long runId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {RunColumns} FROM runs WHERE id = @id");
        Add(command, "@id", runId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadRun(reader) : null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RunRecord>> ListRunsAsync(RunQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();

        // Only the filters in use appear in the SQL: "@x IS NULL OR …" defeats indexes and leaves
        // PostgreSQL unable to infer the parameter's type.
        var sql = new StringBuilder($"SELECT {RunColumns} FROM runs WHERE 1 = 1");
        if (query.Target is not null)
        {
            sql.Append(" AND target = @target");
            Add(command, "@target", query.Target);
        }

        if (query.AnyOfTargets is { } targets)
        {
            sql.Append(" AND ").Append(AnyOf(command, "target", "@any_target", targets));
        }

        if (query.Status is { } status)
        {
            // The status as a literal, and for an end state the partial index's own predicate: each status is found through
            // its partial index (queued, running, ended) in both stores, with any plan, generic or not.
            sql.Append(" AND status = '").Append(StoreText.From(status)).Append('\'');
            if (status is not (RunStatus.Queued or RunStatus.Running))
            {
                sql.Append(" AND status NOT IN ('queued', 'running')");
            }
        }

        if (query.Since is { } since)
        {
            sql.Append(" AND queued_at >= @since");
            Add(command, "@since", ToDbTime(since));
        }

        if (query.BeforeId is { } beforeId)
        {
            sql.Append(" AND id < @before_id");
            Add(command, "@before_id", beforeId);
        }

        sql.Append(" ORDER BY id DESC LIMIT @limit");
        Add(command, "@limit", query.Limit);
        command.CommandText = sql.ToString();

        var runs = new List<RunRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            runs.Add(ReadRun(reader));
        }

        return runs;
    }

    // Appends after the run's last line; the caller holds the run's row lock (or SQLite's write lock).
    private async Task InsertLogLinesAsync(DbTransaction transaction, long runId, IReadOnlyList<LogLine> lines, CancellationToken cancellationToken)
    {
        if (lines.Count == 0)
        {
            return;
        }

        // A statement of its own, after the lock: on PostgreSQL only a new statement sees the lines
        // that an appender holding the lock before us has committed.
        long next;
        await using (var max = Command(transaction, "SELECT COALESCE(MAX(seq), 0) FROM run_logs WHERE run_id = @run_id"))
        {
            Add(max, "@run_id", runId);
            next = Convert.ToInt64(await max.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) + 1;
        }

        await using var insert = Command(transaction,
            "INSERT INTO run_logs (run_id, seq, at, level, message) VALUES (@run_id, @seq, @at, @level, @message)");
        Add(insert, "@run_id", runId);
        var seq = Add(insert, "@seq", 0L);
        var at = Add(insert, "@at", null);
        var level = Add(insert, "@level", null);
        var message = Add(insert, "@message", null);
        foreach (var line in lines)
        {
            seq.Value = next++;
            at.Value = ToDbTime(line.At);
            level.Value = StoreText.From(line.Level);
            message.Value = line.Message;
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <inheritdoc />
    public async Task AppendLogAsync(long runId, IReadOnlyList<LogLine> lines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lines);
        if (lines.Count == 0)
        {
            return;
        }

        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        await using (var run = Command(transaction, "SELECT id FROM runs WHERE id = @run_id" + LockRowSql))
        {
            Add(run, "@run_id", runId);
            if (await run.ExecuteScalarAsync(cancellationToken) is null or DBNull)
            {
                throw new KeyNotFoundException($"run {runId} does not exist");
            }
        }

        await InsertLogLinesAsync(transaction, runId, lines, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<LogLine>> GetLogAsync(long runId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT at, level, message FROM run_logs WHERE run_id = @run_id ORDER BY seq");
        Add(command, "@run_id", runId);
        var lines = new List<LogLine>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            lines.Add(new LogLine(ReadTime(reader, 0), StoreText.ToLogLevel(reader.GetString(1)), reader.GetString(2)));
        }

        return lines;
    }

    private RunRecord ReadRun(DbDataReader r) => new()
    {
        Id = r.GetInt64(0),
        Target = r.GetString(1),
        Trigger = r.GetString(2),
        Direction = r.GetString(3),
        DryRun = r.GetBoolean(4),
        Attempt = r.GetInt32(5),
        Status = StoreText.ToRunStatus(r.GetString(6)),
        QueuedAt = ReadTime(r, 7),
        StartedAt = r.IsDBNull(8) ? null : ReadTime(r, 8),
        FinishedAt = r.IsDBNull(9) ? null : ReadTime(r, 9),
        Message = r.IsDBNull(10) ? null : r.GetString(10),
        Summary = r.IsDBNull(11) ? null : new PlanSummary(r.GetInt32(11), r.GetInt32(12), r.GetInt32(13), r.GetInt32(14), r.GetInt64(15)),
        SourceRevision = r.IsDBNull(16) ? null : r.GetString(16),
        VerificationPassed = r.IsDBNull(17) ? null : r.GetBoolean(17),
        OutputsCreated = StoreText.FromJsonArray(r.IsDBNull(18) ? null : r.GetString(18)),
        CommitSha = r.IsDBNull(19) ? null : r.GetString(19),
        Priority = (RunPriority)r.GetInt32(20),
        NotBefore = r.IsDBNull(21) ? null : ReadTime(r, 21),
        Triggers = StoreText.FromJsonArray(r.IsDBNull(22) ? null : r.GetString(22)),
        Fence = r.GetInt64(23),
        WorkerId = r.IsDBNull(24) ? null : r.GetString(24),
    };
}
