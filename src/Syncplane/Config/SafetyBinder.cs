using System.Text.RegularExpressions;

namespace Syncplane.Config;

internal static class SafetyBinder
{
    public static SafetyConfig Bind(ConfigNode? node, ConfigReader reader)
    {
        if (node is null || node.IsNull || !reader.Mapping(node, "safety", "secret_patterns", "pre_sync_checks", "post_sync_checks", "drift_gates"))
        {
            return new SafetyConfig();
        }

        var patterns = reader.StringList(node, "secret_patterns");
        for (var i = 0; i < patterns.Count; i++)
        {
            try
            {
                _ = new Regex(patterns[i], RegexOptions.IgnoreCase);
            }
            catch (ArgumentException ex)
            {
                var at = node["secret_patterns"]!;
                reader.Error(at.Kind == ConfigNodeKind.Sequence ? at.Items[i] : at, $"secret pattern '{patterns[i]}' is not a valid regular expression: {ex.Message}");
            }
        }

        return new SafetyConfig
        {
            SecretPatterns = patterns,
            PreSyncChecks = Checks(node["pre_sync_checks"], "pre_sync_checks", reader),
            PostSyncChecks = Checks(node["post_sync_checks"], "post_sync_checks", reader),
            DriftGates = DriftGates(node["drift_gates"], reader),
        };
    }

    private static List<CheckCommand> Checks(ConfigNode? node, string what, ConfigReader reader)
    {
        var checks = new List<CheckCommand>();
        foreach (var item in Entries(node, what, reader))
        {
            if (!reader.Mapping(item, $"an entry of {what}", "name", "command", "expected_exit_code", "skip_on_pull", "skip_on_push"))
            {
                continue;
            }

            var command = reader.Text(item, "command", required: true);
            if (command is null)
            {
                continue;
            }

            checks.Add(new CheckCommand(
                reader.Text(item, "name") ?? command,
                command,
                (int)(reader.WholeNumber(item, "expected_exit_code", min: 0) ?? 0),
                reader.Bool(item, "skip_on_pull") ?? false,
                reader.Bool(item, "skip_on_push") ?? false));
        }

        return checks;
    }

    private static List<DriftGate> DriftGates(ConfigNode? node, ConfigReader reader)
    {
        var gates = new List<DriftGate>();
        foreach (var item in Entries(node, "drift_gates", reader))
        {
            if (!reader.Mapping(item, "an entry of drift_gates", "name", "command", "min_value", "max_drift_score", "targets"))
            {
                continue;
            }

            var command = reader.Text(item, "command", required: true);
            var min = reader.Number(item, "min_value");
            var max = reader.Number(item, "max_drift_score");
            if (min is null && max is null && item["min_value"] is null && item["max_drift_score"] is null)
            {
                reader.Error(item, "a drift gate needs 'min_value' or 'max_drift_score'");
            }

            var targets = reader.Globs(item, "targets");
            if (command is not null)
            {
                gates.Add(new DriftGate(reader.Text(item, "name") ?? command, command, min, max, targets));
            }
        }

        return gates;
    }

    private static IEnumerable<ConfigNode> Entries(ConfigNode? node, string what, ConfigReader reader)
    {
        if (node is null || node.IsNull)
        {
            return [];
        }

        if (node.Kind != ConfigNodeKind.Sequence)
        {
            reader.Error(node, $"{what} must be a list, found {node.Describe()}");
            return [];
        }

        return node.Items;
    }
}
