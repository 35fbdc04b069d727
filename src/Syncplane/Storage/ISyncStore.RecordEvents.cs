using Syncplane.Events;

namespace Syncplane.Storage;

/// <summary>
/// Events that patch a destination outside the store (a sql table): the store keeps, per target and record key, when the
/// latest applied event happened, and the message ids it applied, so redeliveries and late events are ignored after restarts.
/// </summary>
public partial interface ISyncStore
{
    /// <summary>
    /// Whether an event may be applied: <see cref="RecordEventCheck.Duplicate"/> when (source, message id) was recorded
    /// before, <see cref="RecordEventCheck.OutOfOrder"/> when the key holds an event newer than <paramref name="observedAt"/>.
    /// </summary>
    Task<RecordEventCheck> CheckRecordEventAsync(string target, string source, string? messageId, string key, DateTimeOffset observedAt, CancellationToken cancellationToken);

    /// <summary>
    /// Records in one transaction that the event was applied: its message id, its time for the key (a later older event is
    /// then out of order), and <paramref name="changed"/> (a <c>record.changed</c> event) when it changed the record.
    /// </summary>
    Task RecordEventAppliedAsync(string target, string source, string? messageId, string key, DateTimeOffset observedAt, NewEvent? changed, CancellationToken cancellationToken);
}

/// <summary>What <see cref="ISyncStore.CheckRecordEventAsync"/> found.</summary>
public enum RecordEventCheck
{
    /// <summary>Not seen, and not older than the key's latest event.</summary>
    Apply,

    /// <summary>The message id was recorded before (a redelivery).</summary>
    Duplicate,

    /// <summary>The key already had a newer event.</summary>
    OutOfOrder,
}
