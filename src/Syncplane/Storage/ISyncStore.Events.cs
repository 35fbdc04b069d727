using Syncplane.Events;

namespace Syncplane.Storage;

/// <summary>
/// The event log (issue 4). The store appends run and settings events itself, in the same transaction as
/// the change they describe; hosts append the others (webhooks received, checks changed, progress).
/// </summary>
public partial interface ISyncStore
{
    /// <summary>Appends an event now and wakes event readers (in every process or node); returns it with its id.</summary>
    Task<SyncEvent> AppendEventAsync(NewEvent newEvent, CancellationToken cancellationToken);

    /// <summary>Events with an id above <paramref name="afterId"/>, oldest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<SyncEvent>> ReadEventsAsync(long afterId, int limit, CancellationToken cancellationToken);

    /// <summary>The highest event id, 0 when there is none.</summary>
    Task<long> GetLastEventIdAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Returns when events may have been appended (PostgreSQL: a <c>NOTIFY syncplane_events</c> from any node;
    /// SQLite: an append by any process on the file, through its wake files) or after <paramref name="maxWait"/>.
    /// The first wait may return at once: it starts listening.
    /// </summary>
    Task WaitForEventsAsync(TimeSpan maxWait, CancellationToken cancellationToken);

    /// <summary>
    /// Moves on whenever this process learns that events were appended: its own commits (after they commit) and
    /// other processes' or nodes' appends (the same wake-ups as <see cref="WaitForEventsAsync"/>, once it listens).
    /// A cache of what the store derives from runs and settings (each change appends an event) is current while it has not moved.
    /// </summary>
    long EventLogVersion { get; }
}
