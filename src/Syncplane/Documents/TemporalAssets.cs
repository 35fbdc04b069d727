using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Syncplane.Documents;

/// <summary>
/// Cloud Asset Inventory feed messages (a <c>TemporalAsset</c>: <c>asset</c>, <c>priorAsset</c>, <c>priorAssetState</c>,
/// <c>deleted</c>, <c>window</c>) as one record's change. The record takes the shape of a <c>searchAllResources</c> result
/// (<c>name</c>, <c>assetType</c>, <c>project</c>, <c>displayName</c>, <c>location</c>, <c>state</c>, …), the shape the
/// full sync brings, so an event and the next sync agree on what most fields hold.
/// </summary>
internal static partial class TemporalAssets
{
    /// <summary>One record's change: its new state (or its last one, when deleted) and when the change happened.</summary>
    public sealed record Change(JsonObject Record, bool Deleted, DateTimeOffset ObservedAt);

    /// <exception cref="InvalidDataException">The message is not a TemporalAsset with an asset name and a time.</exception>
    public static Change Parse(JsonElement temporalAsset)
    {
        if (temporalAsset.ValueKind != JsonValueKind.Object
            || !temporalAsset.TryGetProperty("asset", out var asset) || asset.ValueKind != JsonValueKind.Object
            || Text(asset, "name") is null)
        {
            throw new InvalidDataException("the message is not a Cloud Asset TemporalAsset: it has no 'asset' object with a 'name'");
        }

        var deleted = temporalAsset.TryGetProperty("deleted", out var flag) && flag.ValueKind == JsonValueKind.True;
        var observed = (temporalAsset.TryGetProperty("window", out var window) ? TimeOf(window, "startTime") : null)
            ?? TimeOf(asset, "updateTime")
            ?? throw new InvalidDataException("the TemporalAsset has neither window.startTime nor asset.updateTime, so it cannot be ordered");
        return new Change(RecordOf(asset), deleted, observed);
    }

    /// <summary>The <c>updateTime</c> of a record, when it has one that parses.</summary>
    public static DateTimeOffset? UpdateTimeOf(JsonElement record) => record.ValueKind == JsonValueKind.Object ? TimeOf(record, "updateTime") : null;

    private static JsonObject RecordOf(JsonElement asset)
    {
        var resource = asset.TryGetProperty("resource", out var r) && r.ValueKind == JsonValueKind.Object ? r : default;
        var data = resource.ValueKind == JsonValueKind.Object && resource.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;
        var ancestors = asset.TryGetProperty("ancestors", out var a) && a.ValueKind == JsonValueKind.Array
            ? a.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToList()
            : [];
        var record = new JsonObject
        {
            ["name"] = Text(asset, "name"),
            ["assetType"] = Text(asset, "assetType"),
            ["project"] = ancestors.FirstOrDefault(x => x.StartsWith("projects/", StringComparison.Ordinal)),
            ["folders"] = ancestors.Any(x => x.StartsWith("folders/", StringComparison.Ordinal))
                ? new JsonArray([.. ancestors.Where(x => x.StartsWith("folders/", StringComparison.Ordinal)).Select(x => (JsonNode?)x)])
                : null,
            ["organization"] = ancestors.FirstOrDefault(x => x.StartsWith("organizations/", StringComparison.Ordinal)),
            ["displayName"] = Text(data, "displayName") ?? Text(data, "name"),
            ["location"] = Text(resource, "location"),
            ["state"] = Text(data, "state") ?? Text(data, "status") ?? Text(data, "lifecycleState"),
            ["labels"] = data.ValueKind == JsonValueKind.Object && data.TryGetProperty("labels", out var labels) && labels.ValueKind == JsonValueKind.Object
                ? JsonNode.Parse(labels.GetRawText())
                : null,
            ["parentFullResourceName"] = Text(resource, "parent"),
            ["createTime"] = Text(data, "createTime") ?? Text(data, "creationTimestamp"),
            ["updateTime"] = Text(asset, "updateTime"),
        };
        foreach (var empty in record.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            record.Remove(empty);
        }

        return record;
    }

    private static string? Text(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    // RFC 3339 as Google writes it, with up to nine fractional digits (.NET parses seven).
    private static DateTimeOffset? TimeOf(JsonElement element, string property) =>
        Text(element, property) is { } text
        && DateTimeOffset.TryParse(Nanos().Replace(text, "$1"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at
            : null;

    [GeneratedRegex(@"(\.\d{7})\d+")]
    private static partial Regex Nanos();
}
