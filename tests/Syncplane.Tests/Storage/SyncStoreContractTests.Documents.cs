using Syncplane.Documents;
using Syncplane.Events;

namespace Syncplane.Tests.Storage;

public abstract partial class SyncStoreContractTests
{
    private static readonly DateTimeOffset Synced = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task PatchDocumentAsync_ManyAtOnceWithARedeliveryAndAnOlderState_AppliesEachOnce_AndTheNewestStateWins()
    {
        await Store.SaveDocumentSyncAsync(new DocumentSync("lz", "lz-state", "r1", ["vms"], [new DocumentUpsert("vm-a", "vms", """{"state":"RUNNING"}""", Synced)], []), Ct);
        DocumentPatch Patch(string? messageId, string key, string? json, int minutes) =>
            new("lz", "lz-state", "pubsub", messageId, key, "vms", json, Synced.AddMinutes(minutes)) { Groups = ["vms"] };
        DocumentPatch[] patches =
        [
            Patch("m-1", "vm-b", """{"state":"RUNNING"}""", 1),
            Patch("m-1", "vm-b", """{"state":"RUNNING"}""", 1), // Pub/Sub redelivers
            Patch("m-2", "vm-a", """{"state":"STOPPED"}""", 2),
            Patch("m-3", "vm-a", """{"state":"STAGING"}""", 1), // older than m-2, whichever comes first
            Patch("m-4", "vm-c", null, 1), // a delete of a record that is not there
        ];

        var results = await Task.WhenAll(patches.Select(p => Task.Run(() => Store.PatchDocumentAsync(p, Ct))));

        Assert.Equal([DocumentPatchResult.Created, DocumentPatchResult.Duplicate], results[..2].Order());
        Assert.Equal(DocumentPatchResult.Unchanged, results[4]);
        var records = await Store.GetDocumentRecordsAsync("lz", Ct);
        Assert.Equal([("vm-a", """{"state":"STOPPED"}"""), ("vm-b", """{"state":"RUNNING"}""")], records.Select(r => (r.Key, r.Json)));
        Assert.Equal(2, (await Store.GetDocumentAsync("lz", Ct))!.Counts["vms"]);
        var changed = (await Store.ReadEventsAsync(0, 100, Ct)).Count(e => e.Type == EventTypes.RecordChanged);
        Assert.Equal(results.Count(r => r is DocumentPatchResult.Created or DocumentPatchResult.Updated or DocumentPatchResult.Deleted), changed);
    }

    [Fact]
    public async Task PatchDocumentAsync_BeforeTheFirstFullSync_ChangesNothing_AndTheMessageCanComeAgain()
    {
        var patch = new DocumentPatch("lz", "lz-state", "pubsub", "m-1", "vm-a", "vms", "{}", Synced) { Groups = ["vms"] };

        Assert.Equal(DocumentPatchResult.NotSynced, await Store.PatchDocumentAsync(patch, Ct));
        await Store.SaveDocumentSyncAsync(new DocumentSync("lz", "lz-state", "r1", ["vms"], [], []), Ct);

        Assert.Equal(DocumentPatchResult.Created, await Store.PatchDocumentAsync(patch, Ct));
    }
}
