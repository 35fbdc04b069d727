using Syncplane.Connectors;
using Syncplane.Planning.TwoWay;

namespace Syncplane.Config;

internal sealed partial class TargetBinder
{
    /// <summary>
    /// Checks what a bidirectional target needs (two <c>directory</c> connectors, each free to delete) and binds
    /// <c>conflicts</c>, which only a bidirectional target takes.
    /// </summary>
    private TargetConfig WithTwoWay(TargetConfig target, ConfigNode node)
    {
        var conflicts = node["conflicts"];
        var policy = ConflictPolicy.KeepBoth;
        if (conflicts is not null && !conflicts.IsNull)
        {
            var text = reader.Text(node, "conflicts");
            if (text is not null && !TwoWayNames.Policies.TryGetValue(text, out policy))
            {
                reader.Error(conflicts, $"conflicts must be one of {string.Join(", ", TwoWayNames.Policies.Keys)}, found '{text}'");
            }
            else if (target.Direction != SyncDirection.Bidirectional)
            {
                reader.Error(conflicts, $"'conflicts' applies to bidirectional targets only; target '{target.Name}' syncs {target.Direction.ToString().ToLowerInvariant()}");
            }
        }

        if (target.Direction == SyncDirection.Bidirectional && target.Source is { } source && target.Destination is { } destination)
        {
            if (source.Type != ConnectorTypes.Directory || destination.Type != ConnectorTypes.Directory)
            {
                reader.Error(node, $"target '{target.Name}' is bidirectional, which works between two directory connectors, not {source.Type} and {destination.Type}; use direction pull or push, or an entrypoint");
            }
            else
            {
                foreach (var (role, side) in new[] { ("source", source), ("destination", destination) })
                {
                    if (side.Options is Connectors.Directory.DirectoryOptions { Delete: false })
                    {
                        reader.Error(side.Node, $"'delete: false' on the {role} of bidirectional target '{target.Name}': a two-way sync carries deletes both ways; limit them with safety.max_delete instead");
                    }
                }
            }
        }

        return policy == target.Conflicts ? target : target with { Conflicts = policy };
    }
}
