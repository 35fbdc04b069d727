using Syncplane.Alerts;
using Syncplane.Notifications;

namespace Syncplane.Config;

/// <summary>
/// Binds the top-level <c>alerts</c> section: name → <c>when</c>, <c>over</c>, <c>for</c>, <c>severity</c>,
/// <c>notify</c>, <c>targets</c>, <c>checks</c>. Notifier names must be declared under <c>notifiers</c>.
/// </summary>
internal static class AlertsBinder
{
    private static readonly string[] Keys = ["when", "over", "for", "severity", "notify", "targets", "checks"];

    private static readonly Dictionary<string, AlertSeverity> Severities = new(StringComparer.Ordinal)
    {
        ["info"] = AlertSeverity.Info,
        ["warning"] = AlertSeverity.Warning,
        ["error"] = AlertSeverity.Error,
        ["critical"] = AlertSeverity.Critical,
    };

    public static IReadOnlyList<AlertRule> Bind(ConfigNode? node, IReadOnlyList<NotifierConfig> notifiers, ConfigReader reader)
    {
        if (node is null || node.IsNull)
        {
            return [];
        }

        if (node.Kind != ConfigNodeKind.Mapping)
        {
            reader.Error(node, $"alerts must be a mapping of rule names to rules, found {node.Describe()}");
            return [];
        }

        var names = notifiers.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        var rules = new List<AlertRule>();
        foreach (var (key, value) in node.Entries)
        {
            if (key.Value is { Length: > 0 } name && Rule(name, value, names, reader) is { } rule)
            {
                rules.Add(rule);
            }
        }

        return rules;
    }

    private static AlertRule? Rule(string name, ConfigNode node, HashSet<string> notifiers, ConfigReader reader)
    {
        var what = $"alerts.{name}";
        if (!reader.Mapping(node, what, Keys))
        {
            return null;
        }

        AlertCondition? condition = null;
        if (reader.Text(node, "when", required: true) is { } when && !AlertCondition.TryParse(when, out condition, out var error))
        {
            reader.Error(node["when"]!, $"{what}.when: {error}");
        }

        var severity = AlertSeverity.Warning;
        if (reader.Text(node, "severity") is { } severityText && !Severities.TryGetValue(severityText, out severity))
        {
            reader.Error(node["severity"]!, $"{what}.severity must be one of: {string.Join(", ", Severities.Keys)}; found '{severityText}'");
        }

        var notify = reader.StringList(node, "notify");
        if (node["notify"] is null || notify.Count == 0)
        {
            reader.Error(node["notify"] ?? node, $"{what}.notify must list at least one notifier (declared under notifiers:)");
        }

        for (var i = 0; i < notify.Count; i++)
        {
            if (!notifiers.Contains(notify[i]))
            {
                var at = node["notify"]!.Kind == ConfigNodeKind.Sequence ? node["notify"]!.Items[i] : node["notify"]!;
                reader.Error(at, notifiers.Count == 0
                    ? $"{what}.notify names '{notify[i]}', but no notifiers are declared; add it under notifiers:"
                    : $"{what}.notify names '{notify[i]}', which is not a notifier; declared: {string.Join(", ", notifiers.Order(StringComparer.Ordinal))}");
            }
        }

        var over = reader.Duration(node, "over");
        var isCheckRule = condition?.Metric.IsCheckMetric() == true;
        if (over is not null && condition is not null && condition.Metric != AlertMetric.SuccessRate)
        {
            reader.Error(node["over"]!, $"{what}.over applies to success_rate only (the window it is computed over)");
        }

        if (isCheckRule && node["targets"] is not null)
        {
            reader.Error(node["targets"]!, $"{what} watches checks; choose them with checks:, not targets:");
        }
        else if (condition is not null && !isCheckRule && node["checks"] is not null)
        {
            reader.Error(node["checks"]!, $"{what} watches targets; choose them with targets:, not checks:");
        }

        return condition is null ? null : new AlertRule
        {
            Name = name,
            When = condition,
            Over = over ?? TimeSpan.FromHours(24),
            For = reader.Duration(node, "for") ?? TimeSpan.Zero,
            Severity = severity,
            Notify = notify,
            Targets = reader.Globs(node, "targets"),
            Checks = reader.Globs(node, "checks"),
        };
    }
}
