using System.Text.Json;
using Syncplane.Config;
using Syncplane.Connectors;
using Syncplane.Connectors.Sql;
using Syncplane.Engine;
using Syncplane.Planning;
using Syncplane.Storage;

namespace Syncplane.Documents;

/// <summary>
/// Applies one event's change to one row of a target's sql destination, with the full sync's code (column mapping, type
/// checks, <c>_synced_hash</c>). The store decides first whether the event may apply (a message id seen before, or a key
/// holding a newer event, even after a delete) and records afterwards that it did, with its <c>record.changed</c> event.
/// </summary>
/// <remarks>
/// Events on one key are applied one at a time in this process, so a check and its record cannot interleave with another
/// event on that key. Two nodes receiving events on the same key at the same instant are not serialized.
/// </remarks>
internal sealed class SqlEventApplier(SyncplaneConfig config, SecretResolver secrets, ISyncStore store, TimeProvider time)
{
    private readonly SemaphoreSlim[] _stripes = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    public async Task<DocumentEventApplier.Outcome> ApplyAsync(
        TargetConfig target, IReadOnlyList<string> keyFields, string provider, string? messageId, TemporalAssets.Change change, CancellationToken cancellationToken)
    {
        var options = (SqlDestinationOptions)target.Destination!.Options;
        var record = JsonSerializer.SerializeToElement(change.Record);
        var key = RecordJson.KeyOf(record, keyFields, "the asset of the TemporalAsset");
        var gate = _stripes[(uint)StringComparer.Ordinal.GetHashCode($"{target.Name}\n{key}") % (uint)_stripes.Length];
        await gate.WaitAsync(cancellationToken);
        try
        {
            switch (await store.CheckRecordEventAsync(target.Name, provider, messageId, key, change.ObservedAt, cancellationToken))
            {
                case RecordEventCheck.Duplicate:
                    return new(DocumentPatchResult.Duplicate, key, $"message {messageId} was applied before; nothing done again");
                case RecordEventCheck.OutOfOrder:
                    return new(DocumentPatchResult.OutOfOrder, key, $"{key} already had an event newer than this one's ({change.ObservedAt:O}); ignored");
            }

            var context = new ConnectorContext(target.Name, config.BaseDirectory, config.StateDirectory, secrets, new RunLog(secrets, time, null), time);
            ChangeKind? changed;
            await using (var run = (SqlRecordRun)await new SqlDestination(options, context).OpenAsync(keyFields, write: true, cancellationToken))
            {
                changed = await run.PatchAsync(new SourceRecord(record, $"the asset {key} of message {messageId}"), change.Deleted, cancellationToken);
            }

            var result = changed switch
            {
                ChangeKind.Create => DocumentPatchResult.Created,
                ChangeKind.Update => DocumentPatchResult.Updated,
                ChangeKind.Delete => DocumentPatchResult.Deleted,
                _ => DocumentPatchResult.Unchanged,
            };
            var recordChanged = result == DocumentPatchResult.Unchanged ? null
                : RecordChanges.Event(target.Name, "table", options.Table.ToString(), key, null, provider, messageId, change.ObservedAt, result);
            await store.RecordEventAppliedAsync(target.Name, provider, messageId, key, change.ObservedAt, recordChanged, CancellationToken.None);
            return new(result, key, result == DocumentPatchResult.Unchanged
                ? $"{key} already is in this state"
                : $"{key} {result.ToString().ToLowerInvariant()} in table {options.Table}");
        }
        finally
        {
            gate.Release();
        }
    }
}
