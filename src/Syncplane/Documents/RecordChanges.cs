using System.Text.Json.Nodes;
using Syncplane.Events;

namespace Syncplane.Documents;

/// <summary>
/// The <c>record.changed</c> event an applied patch appends: the document, the record's key and group, the change
/// (<c>created</c>, <c>updated</c>, <c>deleted</c>) and seed 001's name for it (<c>resource_created</c>, …).
/// </summary>
internal static class RecordChanges
{
    public static NewEvent Event(DocumentPatch patch, DocumentPatchResult result)
    {
        var change = result switch
        {
            DocumentPatchResult.Created => "created",
            DocumentPatchResult.Updated => "updated",
            DocumentPatchResult.Deleted => "deleted",
            _ => throw new ArgumentOutOfRangeException(nameof(result), result, "not a change"),
        };
        var data = new JsonObject
        {
            ["document"] = patch.Document,
            ["key"] = patch.Key,
            ["group"] = patch.Group,
            ["change"] = change,
            ["event"] = $"resource_{change}",
            ["source"] = patch.Source,
            ["observed_at"] = UtcTimestamps.Text(patch.ObservedAt),
        };
        if (patch.MessageId is not null)
        {
            data["message_id"] = patch.MessageId;
        }

        return new NewEvent(EventTypes.RecordChanged, patch.Target, null, data);
    }
}
