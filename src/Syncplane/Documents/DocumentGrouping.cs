using System.Text.Json;
using Syncplane.Checks;

namespace Syncplane.Documents;

/// <summary>Which group a record belongs to: the group whose values include the record's <c>group_by</c> field.</summary>
internal sealed class DocumentGrouping(DocumentOptions options)
{
    private readonly Dictionary<string, string> _groupOf = options.Groups
        .SelectMany(g => g.Values.Select(v => KeyValuePair.Create(v, g.Name)))
        .ToDictionary(StringComparer.Ordinal);

    /// <summary>The record's group; null when it belongs to none (it is left out of the document).</summary>
    public string? GroupOf(JsonElement record)
    {
        if (options.Groups.Count == 0)
        {
            return DocumentOptions.AllRecords;
        }

        if (record.ValueKind != JsonValueKind.Object
            || (!record.TryGetProperty(options.GroupBy, out var value) && !JsonPath.TryFind(record, options.GroupBy, out value))
            || value.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        return _groupOf.GetValueOrDefault(value.GetString()!);
    }
}
