using System.Text.Json.Nodes;
using Syncplane.Events;

namespace Syncplane.Documents;

/// <summary>
/// The <c>record.changed</c> event an applied patch appends: the document (or the sql destination's table), the record's
/// key and group, the change (<c>created</c>, <c>updated</c>, <c>deleted</c>) and seed 001's name for it (<c>resource_created</c>, …).
/// </summary>
internal static class RecordChanges
{
    public static NewEvent Event(DocumentPatch patch, DocumentPatchResult result) =>
        Event(patch.Target, "document", patch.Document, patch.Key, patch.Group, patch.Source, patch.MessageId, patch.ObservedAt, result);

    /// <param name="destination">Where the record lives: <c>document</c> or <c>table</c>.</param>
    /// <param name="group">The record's group (documents only).</param>
    public static NewEvent Event(
        string target, string destination, string name, string key, string? group, string source, string? messageId, DateTimeOffset observedAt, DocumentPatchResult result)
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
            [destination] = name,
            ["key"] = key,
        };
        if (group is not null)
        {
            data["group"] = group;
        }

        data["change"] = change;
        data["event"] = $"resource_{change}";
        data["source"] = source;
        data["observed_at"] = UtcTimestamps.Text(observedAt);
        if (messageId is not null)
        {
            data["message_id"] = messageId;
        }

        return new NewEvent(EventTypes.RecordChanged, target, null, data);
    }
}
