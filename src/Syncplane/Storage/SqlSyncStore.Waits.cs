using Syncplane.Engine;
using Syncplane.Events;

namespace Syncplane.Storage;

internal abstract partial class SqlSyncStore
{
    /// <inheritdoc />
    public async Task RecordWaitAsync(long runId, string reason, DateTimeOffset until, IReadOnlyList<LogLine> lines, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        ArgumentNullException.ThrowIfNull(lines);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        string? target;
        await using (var wait = Command(transaction, "UPDATE runs SET wait_reason = @reason, wait_until = @until WHERE id = @id AND status = 'running' RETURNING target"))
        {
            Add(wait, "@id", runId);
            Add(wait, "@reason", reason);
            Add(wait, "@until", ToDbTime(until));
            target = await wait.ExecuteScalarAsync(cancellationToken) as string;
        }

        if (target is null)
        {
            await RunMissingAsync(connection, transaction, runId, cancellationToken);
            return; // it ended meanwhile (cancelled): nothing waits any more
        }

        await InsertLogLinesAsync(transaction, runId, lines, cancellationToken);
        await AppendEventAsync(transaction, new NewEvent(EventTypes.RunWaiting, target, runId,
            RunData(runId, target, ("reason", reason), ("until", until.UtcDateTime))), cancellationToken);
        await CommitWithEventsAsync(transaction, cancellationToken);
    }
}
