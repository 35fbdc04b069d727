using Syncplane.Connectors.Directory;

namespace Syncplane.Config;

internal sealed partial class TargetBinder
{
    /// <summary><c>watch</c> belongs to the directory source of a one-way target.</summary>
    private void CheckWatch(string name, ConfigNode node, TargetConfig target)
    {
        if (target.Destination?.Options is DirectoryOptions { Watch: not null })
        {
            reader.Error(OptionNode(node, "destination"), $"'watch' of target '{name}' belongs to its directory source, not its destination: serve watches the folder it reads");
        }

        if (target.Source?.Options is DirectoryOptions { Watch.Enabled: true } && target.Direction == SyncDirection.Bidirectional)
        {
            reader.Error(OptionNode(node, "source"), $"'watch' of target '{name}': two-way targets are not watched; give it a schedule instead");
        }
    }

    private static ConfigNode OptionNode(ConfigNode target, string role) =>
        target[role] is { Entries: [(_, { } options)] } && options["watch"] is { } watch ? watch : target[role] ?? target;
}
