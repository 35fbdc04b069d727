using Syncplane.Config;

namespace Syncplane.Documents;

/// <summary>
/// Checks the documents across targets (a name is one document) and reads the top-level <c>documents</c> section:
/// <c>infrastructure_state: NAME</c>, the document seed 001's portal reads at <c>/api/v1/sync/infrastructure-state</c>.
/// </summary>
internal static class DocumentsBinder
{
    public static string? Bind(ConfigNode? node, IReadOnlyList<TargetConfig> targets, ConfigReader reader)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var target in targets)
        {
            if (DocumentTarget.ForTarget(target) is { } document && !names.TryAdd(document.Name, target.Name))
            {
                reader.Error(target.Destination!.Node, $"targets '{names[document.Name]}' and '{target.Name}' both write the document '{document.Name}'; give one of them another 'name'");
            }
        }

        if (node is null || node.IsNull || !reader.Mapping(node, "'documents'", "infrastructure_state"))
        {
            return null;
        }

        var chosen = reader.Text(node, "infrastructure_state");
        if (chosen is not null && !names.ContainsKey(chosen))
        {
            reader.Error(node["infrastructure_state"]!, names.Count == 0
                ? $"'infrastructure_state' names the document '{chosen}', but no target has a document destination"
                : $"'infrastructure_state' names the document '{chosen}', which no target writes; documents: {string.Join(", ", names.Keys)}");
        }

        return chosen;
    }
}
