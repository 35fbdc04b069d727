using System.Collections.Concurrent;
using System.Text.Json;
using Syncplane.Config;
using Syncplane.Connectors;
using Syncplane.Engine;
using Syncplane.Storage;

namespace Syncplane.Documents;

/// <summary>
/// Applies one authenticated event message (a Cloud Asset TemporalAsset) to its target's document (or, through
/// <see cref="SqlEventApplier"/>, to a row of its sql destination): builds the record,
/// finds its key and group as a full sync would, and lets the store apply it at most once and never over a newer state.
/// When the document has a <c>path</c>, the file is rewritten after each change.
/// </summary>
internal sealed class DocumentEventApplier(SyncplaneConfig config, SecretResolver secrets, ISyncStore store, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, IReadOnlyList<string>> _keys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _fileWriters = new(StringComparer.Ordinal);
    private readonly SqlEventApplier _sql = new(config, secrets, store, time);

    /// <summary>What happened, and to which record.</summary>
    public sealed record Outcome(DocumentPatchResult? Result, string? Key, string Detail);

    /// <exception cref="InvalidDataException">The message is not a TemporalAsset whose record has the target's key fields.</exception>
    public async Task<Outcome> ApplyAsync(TargetConfig target, string provider, string? messageId, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        TemporalAssets.Change change;
        try
        {
            using var json = JsonDocument.Parse(data);
            change = TemporalAssets.Parse(json.RootElement);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"the message data is not JSON: {ex.Message}", ex);
        }

        if (target.Destination?.Type == ConnectorTypes.Sql)
        {
            return await _sql.ApplyAsync(target, KeyOf(target), provider, messageId, change, cancellationToken);
        }

        var document = DocumentTarget.ForTarget(target) ?? throw new InvalidOperationException($"target '{target.Name}' has no document or sql destination");
        var record = JsonSerializer.SerializeToElement(change.Record);
        var key = RecordJson.KeyOf(record, KeyOf(target), "the asset of the TemporalAsset");
        if (new DocumentGrouping(document.Options).GroupOf(record) is not { } group)
        {
            return new Outcome(null, key, $"ignored: {document.Options.GroupBy} of {key} matches none of the groups of document '{document.Name}'");
        }

        var patch = new DocumentPatch(document.Name, target.Name, provider, messageId, key, group, change.Deleted ? null : RecordJson.Canonical(record), change.ObservedAt)
        {
            Groups = document.Options.GroupNames,
        };
        var result = await store.PatchDocumentAsync(patch, cancellationToken);
        if (result is DocumentPatchResult.Created or DocumentPatchResult.Updated or DocumentPatchResult.Deleted && document.Options.Path is { } path)
        {
            await WriteFileAsync(document, Path.GetFullPath(path, config.BaseDirectory), cancellationToken);
        }

        return new Outcome(result, key, result switch
        {
            DocumentPatchResult.Duplicate => $"message {messageId} was applied before; nothing done again",
            DocumentPatchResult.OutOfOrder => $"{key} already holds a state newer than this event's ({change.ObservedAt:O}); ignored",
            DocumentPatchResult.NotSynced => $"document '{document.Name}' has no full sync yet; the first one brings {key}",
            DocumentPatchResult.Unchanged => $"{key} already is in this state",
            _ => $"{key} {result.ToString().ToLowerInvariant()} in document '{document.Name}'",
        });
    }

    // The record key of the target's source (its `key` option), as a full sync computes it.
    private IReadOnlyList<string> KeyOf(TargetConfig target) => _keys.GetOrAdd(target.Name, _ =>
    {
        var context = new ConnectorContext(target.Name, config.BaseDirectory, config.StateDirectory, secrets, new RunLog(secrets, time, null), time);
        return ConnectorRegistry.Default.Find(target.Source!.Type)?.CreateSource(target.Source.Options, context) is IRecordSource source
            ? source.Key
            : throw new InvalidOperationException($"the source of target '{target.Name}' does not read records");
    });

    // One writer per file at a time, each writing what the store holds then, so the file ends with the latest document.
    private async Task WriteFileAsync(DocumentTarget document, string file, CancellationToken cancellationToken)
    {
        var gate = _fileWriters.GetOrAdd(file, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            var stored = await store.GetDocumentAsync(document.Name, cancellationToken);
            if (stored is not null)
            {
                var records = await store.GetDocumentRecordsAsync(document.Name, cancellationToken);
                await DocumentRenderer.WriteFileAsync(file, DocumentRenderer.Render(stored, records, document.Options.GroupNames), cancellationToken);
            }
        }
        finally
        {
            gate.Release();
        }
    }
}
