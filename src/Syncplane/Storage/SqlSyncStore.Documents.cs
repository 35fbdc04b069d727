using System.Data.Common;
using System.Security.Cryptography;
using System.Text.Json;
using Syncplane.Documents;

namespace Syncplane.Storage;

internal abstract partial class SqlSyncStore
{
    /// <inheritdoc />
    public async Task<StoredDocument?> GetDocumentAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = Command(connection, "SELECT name, target, etag, revision, synced_at, updated_at, counts FROM documents WHERE name = @name");
        Add(query, "@name", name);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadDocument(reader) : null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DocumentRecord>> GetDocumentRecordsAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = Command(connection, "SELECT key, grp, record FROM document_records WHERE document = @name AND deleted = 0");
        Add(query, "@name", name);
        var records = new List<DocumentRecord>();
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(new DocumentRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }

        // Sorted here, not by the database, so the order is ordinal whatever the database's collation.
        records.Sort((a, b) => string.CompareOrdinal(a.Group, b.Group) is var byGroup and not 0 ? byGroup : string.CompareOrdinal(a.Key, b.Key));
        return records;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, StoredRecordHash>> GetDocumentRecordHashesAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = Command(connection, "SELECT key, record, deleted FROM document_records WHERE document = @name");
        Add(query, "@name", name);
        var hashes = new Dictionary<string, StoredRecordHash>(StringComparer.Ordinal);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            hashes[reader.GetString(0)] = new StoredRecordHash(RecordJson.Hash(reader.GetString(1)), Convert.ToInt32(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture) != 0);
        }

        return hashes;
    }

    /// <inheritdoc />
    public async Task<StoredDocument> SaveDocumentSyncAsync(DocumentSync sync, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sync);
        var now = ToMicroseconds(Time.GetUtcNow());
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        await using (var tombstones = Command(transaction, "DELETE FROM document_records WHERE document = @name AND deleted = 1"))
        {
            Add(tombstones, "@name", sync.Name);
            await tombstones.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var delete = Command(transaction, "DELETE FROM document_records WHERE document = @name AND key = @key"))
        {
            Add(delete, "@name", sync.Name);
            var key = Add(delete, "@key", "");
            foreach (var deleted in sync.Deletes)
            {
                key.Value = deleted;
                await delete.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await using (var upsert = Command(transaction, UpsertRecordSql))
        {
            Add(upsert, "@document", sync.Name);
            var (key, group, record, observed) = (Add(upsert, "@key", ""), Add(upsert, "@grp", ""), Add(upsert, "@record", ""), Add(upsert, "@observed", null));
            foreach (var row in sync.Upserts)
            {
                (key.Value, group.Value, record.Value) = (row.Key, row.Group, row.Json);
                observed.Value = row.ObservedAt is { } at ? ToDbTime(at) : DBNull.Value;
                await upsert.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        var document = new StoredDocument(sync.Name, sync.Target, NewETag(), sync.Revision, now, now, await CountAsync(transaction, sync.Name, sync.Groups, cancellationToken));
        await using (var save = Command(transaction, """
            INSERT INTO documents (name, target, etag, revision, synced_at, updated_at, counts) VALUES (@name, @target, @etag, @revision, @now, @now, @counts)
            ON CONFLICT (name) DO UPDATE SET target = excluded.target, etag = excluded.etag, revision = excluded.revision,
                synced_at = excluded.synced_at, updated_at = excluded.updated_at, counts = excluded.counts
            """))
        {
            Add(save, "@name", sync.Name);
            Add(save, "@target", sync.Target);
            Add(save, "@etag", document.ETag);
            Add(save, "@revision", sync.Revision);
            Add(save, "@now", ToDbTime(now));
            Add(save, "@counts", JsonSerializer.Serialize(document.Counts));
            await save.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return document;
    }

    private WriteBatcher<DocumentPatch, DocumentPatchResult>? _patches;

    /// <inheritdoc />
    /// <remarks>Concurrent patches share one transaction (<see cref="WriteBatcher{TRequest, TResult}"/>), applied in the order they came.</remarks>
    public Task<DocumentPatchResult> PatchDocumentAsync(DocumentPatch patch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(patch);
        var batcher = LazyInitializer.EnsureInitialized(ref _patches, () => new(PatchDocumentsAsync));
        return batcher.WriteAsync(patch).WaitAsync(cancellationToken);
    }

    private async Task<IReadOnlyList<DocumentPatchResult>> PatchDocumentsAsync(IReadOnlyList<DocumentPatch> patches)
    {
        // Once a patch is in the batch it is written whatever its caller does: its message id is spent.
        var cancellationToken = CancellationToken.None;
        var now = ToMicroseconds(Time.GetUtcNow());
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);

        // Each document is locked once, in name order (so two nodes' batches never wait on each other in a circle).
        var counts = new Dictionary<string, Dictionary<string, int>?>(StringComparer.Ordinal);
        foreach (var group in patches.GroupBy(p => p.Document, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            counts[group.Key] = await LockDocumentAsync(transaction, group.Key, group.First().Groups, cancellationToken);
        }

        var results = new DocumentPatchResult[patches.Count];
        var changed = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < patches.Count; i++)
        {
            var patch = patches[i];
            if (counts[patch.Document] is not { } documentCounts)
            {
                results[i] = DocumentPatchResult.NotSynced;
                continue;
            }

            // The message id is spent whatever the event does, so a redelivery of an ignored one is a duplicate too.
            if (patch.MessageId is not null && !await InsertDeliveryAsync(transaction, $"document:{patch.Document}:{patch.Source}", patch.MessageId, now, cancellationToken))
            {
                results[i] = DocumentPatchResult.Duplicate;
                continue;
            }

            var (result, wasIn) = await ChangeRecordAsync(transaction, patch, cancellationToken);
            results[i] = result;
            if (result is DocumentPatchResult.Created or DocumentPatchResult.Updated or DocumentPatchResult.Deleted)
            {
                if (wasIn is not null)
                {
                    documentCounts[wasIn] = documentCounts.GetValueOrDefault(wasIn) - 1;
                }

                if (patch.Json is not null)
                {
                    documentCounts[patch.Group] = documentCounts.GetValueOrDefault(patch.Group) + 1;
                }

                changed.Add(patch.Document);
                await AppendEventAsync(transaction, RecordChanges.Event(patch, result), cancellationToken);
            }
        }

        foreach (var name in changed)
        {
            await using var touch = Command(transaction, "UPDATE documents SET etag = @etag, updated_at = @now, counts = @counts WHERE name = @name");
            Add(touch, "@etag", NewETag());
            Add(touch, "@now", ToDbTime(now));
            Add(touch, "@counts", JsonSerializer.Serialize(counts[name]));
            Add(touch, "@name", name);
            await touch.ExecuteNonQueryAsync(cancellationToken);
        }

        if (changed.Count > 0)
        {
            await CommitWithEventsAsync(transaction, cancellationToken);
        }
        else
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return results;
    }

    // Locks the document's row and returns its counts, every configured group present (a group added to the config
    // starts at 0); null when the document has no full sync yet.
    private async Task<Dictionary<string, int>?> LockDocumentAsync(DbTransaction transaction, string document, IReadOnlyList<string> groups, CancellationToken cancellationToken)
    {
        await using var read = Command(transaction, "SELECT counts FROM documents WHERE name = @name" + LockRowSql);
        Add(read, "@name", document);
        if (await read.ExecuteScalarAsync(cancellationToken) is not string text)
        {
            return null;
        }

        var stored = JsonSerializer.Deserialize<Dictionary<string, int>>(text) ?? [];
        return groups.ToDictionary(g => g, g => stored.GetValueOrDefault(g), StringComparer.Ordinal);
    }

    // The record's new state, unless it already holds a newer one; deletes leave a tombstone with the delete's time.
    // Also the group the record was counted in before (null: it was not live), so counts move by one instead of a recount.
    private async Task<(DocumentPatchResult Result, string? WasIn)> ChangeRecordAsync(DbTransaction transaction, DocumentPatch patch, CancellationToken cancellationToken)
    {
        string? json = null;
        string? group = null;
        DateTimeOffset? observed = null;
        var live = false;
        var found = false;
        await using (var read = Command(transaction, "SELECT record, observed_at, deleted, grp FROM document_records WHERE document = @document AND key = @key"))
        {
            Add(read, "@document", patch.Document);
            Add(read, "@key", patch.Key);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                found = true;
                json = reader.GetString(0);
                observed = reader.IsDBNull(1) ? null : ReadTime(reader, 1);
                live = Convert.ToInt32(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture) == 0;
                group = reader.GetString(3);
            }
        }

        if (observed is { } seen && patch.ObservedAt < seen)
        {
            return (DocumentPatchResult.OutOfOrder, null);
        }

        var result = patch.Json is null
            ? live ? DocumentPatchResult.Deleted : DocumentPatchResult.Unchanged
            : !live ? DocumentPatchResult.Created : json == patch.Json ? DocumentPatchResult.Unchanged : DocumentPatchResult.Updated;
        await using var write = Command(transaction, found ? """
            UPDATE document_records SET grp = @grp, record = @record, observed_at = @observed, deleted = @deleted WHERE document = @document AND key = @key
            """ : "INSERT INTO document_records (document, key, grp, record, observed_at, deleted) VALUES (@document, @key, @grp, @record, @observed, @deleted)");
        Add(write, "@document", patch.Document);
        Add(write, "@key", patch.Key);
        Add(write, "@grp", patch.Group);
        Add(write, "@record", patch.Json ?? json ?? "null");
        Add(write, "@observed", ToDbTime(patch.ObservedAt));
        Add(write, "@deleted", patch.Json is null ? 1 : 0);
        await write.ExecuteNonQueryAsync(cancellationToken);
        return (result, live ? group : null);
    }

    private const string UpsertRecordSql = """
        INSERT INTO document_records (document, key, grp, record, observed_at, deleted) VALUES (@document, @key, @grp, @record, @observed, 0)
        ON CONFLICT (document, key) DO UPDATE SET grp = excluded.grp, record = excluded.record, observed_at = excluded.observed_at, deleted = 0
        """;

    private static async Task<Dictionary<string, int>> CountAsync(DbTransaction transaction, string document, IReadOnlyList<string> groups, CancellationToken cancellationToken)
    {
        var counts = groups.ToDictionary(g => g, _ => 0, StringComparer.Ordinal);
        await using var count = Command(transaction, "SELECT grp, count(*) FROM document_records WHERE document = @name AND deleted = 0 GROUP BY grp");
        Add(count, "@name", document);
        await using var reader = await count.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[reader.GetString(0)] = Convert.ToInt32(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture);
        }

        return counts;
    }

    private StoredDocument ReadDocument(DbDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
        ReadTime(reader, 4), ReadTime(reader, 5), JsonSerializer.Deserialize<Dictionary<string, int>>(reader.GetString(6)) ?? []);

    private static string NewETag() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
}
