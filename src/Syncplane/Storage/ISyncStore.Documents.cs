using Syncplane.Documents;

namespace Syncplane.Storage;

/// <summary>
/// Documents (the <c>document</c> destination, issue 14): the records of each document, replaced by a full sync and
/// patched one by one by events, so every node serves the same document and it survives restarts.
/// </summary>
public partial interface ISyncStore
{
    /// <summary>A document's version, sync and counts (not its records); null before its first full sync.</summary>
    Task<StoredDocument?> GetDocumentAsync(string name, CancellationToken cancellationToken);

    /// <summary>A document's records (not its tombstones), by group and then key (ordinal).</summary>
    Task<IReadOnlyList<DocumentRecord>> GetDocumentRecordsAsync(string name, CancellationToken cancellationToken);

    /// <summary>Every record and tombstone of a document, key → the SHA-256 of its JSON, for a full sync to compare against.</summary>
    Task<IReadOnlyDictionary<string, StoredRecordHash>> GetDocumentRecordHashesAsync(string name, CancellationToken cancellationToken);

    /// <summary>
    /// Applies a full sync in one transaction: writes its upserts, removes its deletes and every tombstone, and gives the
    /// document a new version, its revision, its sync time and its counts. Nothing changes when it fails.
    /// </summary>
    Task<StoredDocument> SaveDocumentSyncAsync(DocumentSync sync, CancellationToken cancellationToken);

    /// <summary>
    /// Applies one event to one record in one transaction, at most once per (source, message id) and never over a newer
    /// state; when it changes the document, the document gets a new version and a <c>record.changed</c> event is appended.
    /// </summary>
    Task<DocumentPatchResult> PatchDocumentAsync(DocumentPatch patch, CancellationToken cancellationToken);
}
