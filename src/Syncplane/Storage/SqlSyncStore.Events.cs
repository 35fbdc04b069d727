using System.Data.Common;
using System.Globalization;
using System.Text.Json.Nodes;
using Syncplane.Events;

namespace Syncplane.Storage;

internal abstract partial class SqlSyncStore : ICommittedEventFeed
{
    // The events each open transaction appended, handed to the commit listeners once it commits.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<DbTransaction, List<SyncEvent>> _appended = [];

    private System.Collections.Immutable.ImmutableList<Action<IReadOnlyList<SyncEvent>>> _commitListeners = [];

    /// <inheritdoc />
    public IDisposable ListenToCommits(Action<IReadOnlyList<SyncEvent>> listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        System.Collections.Immutable.ImmutableInterlocked.Update(ref _commitListeners, l => l.Add(listener));
        return new CommitListening(this, listener);
    }

    /// <summary>Wakes this process's event readers after an append (and on a notification from another process).</summary>
    private protected QueueSignal EventSignal { get; } = new();

    /// <summary>Tells other processes, once a commit that appended events is done, that it is (SQLite: rewrites a watched wake file).</summary>
    protected virtual void EventsCommitted()
    {
    }

    /// <inheritdoc />
    public async Task<SyncEvent> AppendEventAsync(NewEvent newEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(newEvent);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        var appended = await AppendEventAsync(transaction, newEvent, cancellationToken);
        await CommitWithEventsAsync(transaction, cancellationToken);
        return appended;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SyncEvent>> ReadEventsAsync(long afterId, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = Command(connection, "SELECT id, at, type, target, run_id, data FROM events WHERE id > @after ORDER BY id LIMIT @limit");
        Add(query, "@after", afterId);
        Add(query, "@limit", limit);
        var events = new List<SyncEvent>();
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new SyncEvent(reader.GetInt64(0), ReadTime(reader, 1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetInt64(4), reader.GetString(5)));
        }

        return events;
    }

    /// <inheritdoc />
    public async Task<long> GetLastEventIdAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = Command(connection, "SELECT COALESCE(MAX(id), 0) FROM events");
        return Convert.ToInt64(await query.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    /// <inheritdoc />
    public Task WaitForEventsAsync(TimeSpan maxWait, CancellationToken cancellationToken) => WaitForSignalAsync(EventSignal, maxWait, cancellationToken);

    /// <inheritdoc />
    public long EventLogVersion => EventSignal.Pulses;

    /// <summary>Appends an event inside <paramref name="transaction"/>; commit it with <see cref="CommitWithEventsAsync"/>.</summary>
    private protected async Task<SyncEvent> AppendEventAsync(DbTransaction transaction, NewEvent newEvent, CancellationToken cancellationToken)
    {
        var now = ToMicroseconds(Time.GetUtcNow());
        var data = newEvent.DataJson;
        await using var insert = Command(transaction, "INSERT INTO events (at, type, target, run_id, data) VALUES (@at, @type, @target, @run_id, @data) RETURNING id");
        Add(insert, "@at", ToDbTime(now));
        Add(insert, "@type", newEvent.Type);
        Add(insert, "@target", newEvent.Target);
        Add(insert, "@run_id", newEvent.RunId);
        Add(insert, "@data", data);
        var id = Convert.ToInt64(await insert.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        var appended = new SyncEvent(id, now, newEvent.Type, newEvent.Target, newEvent.RunId, data);
        _appended.GetOrCreateValue(transaction).Add(appended);
        return appended;
    }

    /// <summary>
    /// Commits, hands the events it appended to this process's <see cref="ListenToCommits"/> listeners, then wakes this
    /// process's event readers and tells other processes (PostgreSQL: the events table's trigger notifies on commit).
    /// A transaction that appended none wakes no one.
    /// </summary>
    private protected async Task CommitWithEventsAsync(DbTransaction transaction, CancellationToken cancellationToken)
    {
        await transaction.CommitAsync(cancellationToken);
        HandOnCommittedEvents(transaction);
    }

    /// <summary>What <see cref="CommitWithEventsAsync"/> does once <paramref name="transaction"/> committed (a dialect's own statement committed it).</summary>
    private protected void HandOnCommittedEvents(DbTransaction transaction)
    {
        if (!_appended.TryGetValue(transaction, out var appended))
        {
            return; // nothing appended (an idle worker's claim found no run): no reader has anything new to read
        }

        _appended.Remove(transaction);
        HandToCommitListeners(appended);
        EventSignal.Pulse();
        EventsCommitted();
    }

    /// <summary>Events a dialect's own statement appended inside <paramref name="transaction"/>: handed on as it commits (<see cref="CommitWithEventsAsync"/>).</summary>
    private protected void AddAppendedEvents(DbTransaction transaction, IEnumerable<SyncEvent> appended) => _appended.GetOrCreateValue(transaction).AddRange(appended);

    private void ForgetAppendedEvents(DbTransaction transaction) => _appended.Remove(transaction);

    /// <summary>Hands events that just committed to this process's <see cref="ListenToCommits"/> listeners.</summary>
    private protected void HandToCommitListeners(IReadOnlyList<SyncEvent> committed)
    {
        foreach (var listener in _commitListeners)
        {
            listener(committed);
        }
    }

    private sealed class CommitListening(SqlSyncStore store, Action<IReadOnlyList<SyncEvent>> listener) : IDisposable
    {
        public void Dispose() => System.Collections.Immutable.ImmutableInterlocked.Update(ref store._commitListeners, l => l.Remove(listener));
    }

    /// <summary>The event that says a run ended with <paramref name="status"/>.</summary>
    private protected static string RunEndEventType(RunStatus status) => status switch
    {
        RunStatus.Succeeded => EventTypes.RunSucceeded,
        RunStatus.Failed => EventTypes.RunFailed,
        RunStatus.Refused => EventTypes.RunRefused,
        RunStatus.Cancelled => EventTypes.RunCancelled,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "not an ending"),
    };

    // run.<status> with the counters; items.changed as well when a real run wrote something.
    private async Task AppendRunEndedEventsAsync(
        DbTransaction transaction, long runId, string target, int attempt, string trigger, DateTimeOffset? startedAt, bool dryRun,
        RunCompletion completion, CancellationToken cancellationToken)
    {
        var summary = completion.Summary;
        var duration = startedAt is { } started ? (long?)Math.Max(0, (Time.GetUtcNow() - started).TotalMilliseconds) : null;
        await AppendEventAsync(transaction, new NewEvent(RunEndEventType(completion.Status), target, runId, RunData(runId, target,
            ("status", StoreText.From(completion.Status)), ("attempt", attempt), ("trigger", trigger), ("dry_run", dryRun),
            ("message", completion.Message), ("duration_ms", duration),
            ("creates", summary?.Creates), ("updates", summary?.Updates), ("deletes", summary?.Deletes), ("unchanged", summary?.Unchanged),
            ("source_revision", completion.SourceRevision), ("verification_passed", completion.VerificationPassed),
            ("revision", completion.Revision), ("commit_sha", completion.CommitSha), ("changed", completion.Changed))), cancellationToken);
        if (completion.Status == RunStatus.Succeeded && !dryRun && summary is { Total: > 0 })
        {
            await AppendEventAsync(transaction, new NewEvent(EventTypes.ItemsChanged, target, runId, RunData(runId, target,
                ("creates", summary.Creates), ("updates", summary.Updates), ("deletes", summary.Deletes), ("bytes", summary.BytesToWrite))), cancellationToken);
        }
    }

    /// <summary>A run event's data: the run id and target first, then the details.</summary>
    private protected static JsonObject RunData(long runId, string target, params (string Key, JsonNode? Value)[] details)
    {
        var data = new JsonObject { ["run_id"] = runId, ["target"] = target };
        foreach (var (key, value) in details)
        {
            if (value is not null)
            {
                data[key] = value;
            }
        }

        return data;
    }
}
