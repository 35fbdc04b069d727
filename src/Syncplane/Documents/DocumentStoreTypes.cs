namespace Syncplane.Documents;

/// <summary>A document as the store holds it, without its records.</summary>
/// <param name="Name">The document's name.</param>
/// <param name="Target">The target whose records it holds.</param>
/// <param name="ETag">Changes with every change of the document (a sync or an event); opaque.</param>
/// <param name="Revision">The source revision of the full sync it rests on (a SHA-256 over that sync's records).</param>
/// <param name="SyncedAt">When the latest full sync was written.</param>
/// <param name="UpdatedAt">When the document last changed (a full sync or an event).</param>
/// <param name="Counts">Records per group, every declared group present at the last write.</param>
public sealed record StoredDocument(
    string Name, string Target, string ETag, string? Revision, DateTimeOffset SyncedAt, DateTimeOffset UpdatedAt, IReadOnlyDictionary<string, int> Counts);

/// <summary>One record of a document.</summary>
/// <param name="Key">The record's key (its key fields' values, joined with '/').</param>
/// <param name="Group">The group it belongs to.</param>
/// <param name="Json">The record as canonical JSON.</param>
public sealed record DocumentRecord(string Key, string Group, string Json);

/// <summary>What a full sync compares a record with: the hash of its JSON, and whether it is a tombstone.</summary>
public readonly record struct StoredRecordHash(string Hash, bool Deleted);

/// <summary>A record a full sync writes.</summary>
/// <param name="ObservedAt">The time of the state it holds (its updateTime), for ordering later events; null when unknown.</param>
public sealed record DocumentUpsert(string Key, string Group, string Json, DateTimeOffset? ObservedAt);

/// <summary>What a full sync writes to a document.</summary>
/// <param name="Groups">The declared groups, so every one has a count (0 when empty).</param>
public sealed record DocumentSync(
    string Name, string Target, string? Revision, IReadOnlyList<string> Groups, IReadOnlyList<DocumentUpsert> Upserts, IReadOnlyList<string> Deletes);

/// <summary>One event's change of one record.</summary>
/// <param name="Document">The document.</param>
/// <param name="Target">The target it belongs to (for the event).</param>
/// <param name="Source">Where the event came from (<c>pubsub</c>); with <paramref name="MessageId"/>, what deduplicates.</param>
/// <param name="MessageId">The sender's message id; null cannot be deduplicated.</param>
/// <param name="Key">The record's key.</param>
/// <param name="Group">The record's group.</param>
/// <param name="Json">The record's new canonical JSON; null deletes it.</param>
/// <param name="ObservedAt">When the change happened (the TemporalAsset's <c>window.startTime</c>).</param>
public sealed record DocumentPatch(string Document, string Target, string Source, string? MessageId, string Key, string Group, string? Json, DateTimeOffset ObservedAt)
{
    /// <summary>Groups whose count is 0 stay in the counts.</summary>
    public IReadOnlyList<string> Groups { get; init; } = [];
}

/// <summary>What an event did to its document.</summary>
public enum DocumentPatchResult
{
    Created,
    Updated,
    Deleted,

    /// <summary>The record already was in that state.</summary>
    Unchanged,

    /// <summary>The message id was applied before (a redelivery).</summary>
    Duplicate,

    /// <summary>The record already holds a newer state than the event's.</summary>
    OutOfOrder,

    /// <summary>The document has no full sync yet: the first one brings every record.</summary>
    NotSynced,
}
