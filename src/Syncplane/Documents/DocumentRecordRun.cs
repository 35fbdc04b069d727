using System.Security.Cryptography;
using System.Text;
using Syncplane.Connectors;
using Syncplane.Engine;
using Syncplane.Planning;
using Syncplane.Storage;

namespace Syncplane.Documents;

/// <summary>
/// One full sync of a document. <see cref="PlanAsync"/> compares every record with the hash the store holds for its key,
/// keeping the new and changed ones in memory; records of no group are left out. <see cref="ApplyAsync"/> writes them,
/// removes the records the source no longer has and gives the document its new version in one store transaction, then
/// writes the file (<c>path</c>), if any. A failed or refused run never gets that far, so the last good document stays.
/// </summary>
internal sealed class DocumentRecordRun(
    ISyncStore store, DocumentOptions options, DocumentTarget document, IReadOnlyList<string> key, bool write,
    IReadOnlyDictionary<string, StoredRecordHash> stored, string? file, IRunLog log) : IRecordRun
{
    private const int ListedChanges = 1000;

    private readonly DocumentGrouping _grouping = new(options);
    private readonly List<DocumentUpsert> _upserts = [];
    private readonly List<string> _deletes = [];
    private string? _revision;

    public long ExistingCount { get; } = stored.Values.Count(h => !h.Deleted);

    public async Task<Plan> PlanAsync(IAsyncEnumerable<SourceRecord> records, CancellationToken cancellationToken)
    {
        var listed = new List<Change>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        int creates = 0, updates = 0, unchanged = 0, leftOut = 0;
        await foreach (var (record, where) in records.WithCancellation(cancellationToken))
        {
            var recordKey = RecordJson.KeyOf(record, key, where);
            if (_grouping.GroupOf(record) is not { } group)
            {
                leftOut++;
                continue;
            }

            var json = RecordJson.Canonical(record);
            var hash = RecordJson.Hash(json);
            if (!seen.TryAdd(recordKey, hash))
            {
                throw new InvalidDataException($"{where} has the key {recordKey}, like an earlier record; 'key' must name fields that identify one record");
            }

            var kind = !stored.TryGetValue(recordKey, out var before) || before.Deleted ? ChangeKind.Create
                : before.Hash != hash ? ChangeKind.Update
                : (ChangeKind?)null;
            if (kind is not { } change)
            {
                unchanged++;
                continue;
            }

            _ = change == ChangeKind.Create ? creates++ : updates++;
            _upserts.Add(new DocumentUpsert(recordKey, group, json, TemporalAssets.UpdateTimeOf(record)));
            if (listed.Count < ListedChanges)
            {
                listed.Add(new Change(change, recordKey, null, null));
            }
        }

        foreach (var (storedKey, _) in stored.Where(s => !s.Value.Deleted && !seen.ContainsKey(s.Key)).OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            _deletes.Add(storedKey);
            if (listed.Count < ListedChanges)
            {
                listed.Add(new Change(ChangeKind.Delete, storedKey, null, null));
            }
        }

        _revision = RevisionOf(seen);
        log.Info($"document {document.Name}: {creates} to create, {updates} to update, {_deletes.Count} to delete, {unchanged} unchanged" +
            (leftOut > 0 ? $"; {leftOut} record(s) in no group left out ({options.GroupBy} matches none of: {string.Join(", ", options.GroupNames)})" : ""));
        var summary = new PlanSummary(creates, updates, _deletes.Count, unchanged, 0);
        return new Plan(listed, summary, _revision) { Omitted = summary.Total - listed.Count };
    }

    public async Task ApplyAsync(CancellationToken cancellationToken)
    {
        if (!write)
        {
            throw new InvalidOperationException("a dry run writes nothing");
        }

        var saved = await store.SaveDocumentSyncAsync(new DocumentSync(document.Name, document.Target, _revision, options.GroupNames, _upserts, _deletes), cancellationToken);
        if (file is not null)
        {
            var records = await store.GetDocumentRecordsAsync(document.Name, cancellationToken);
            await DocumentRenderer.WriteFileAsync(file, DocumentRenderer.Render(saved, records, options.GroupNames), cancellationToken);
            log.Info($"document {document.Name} written to {file}");
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    // Over every grouped record's key and content hash, in key order: the same from sync to sync while nothing changes.
    private static string RevisionOf(Dictionary<string, string> seen)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (recordKey, recordHash) in seen.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"{recordKey}\0{recordHash}\n"));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
