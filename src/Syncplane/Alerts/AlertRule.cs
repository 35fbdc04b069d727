using Syncplane.Planning;

namespace Syncplane.Alerts;

/// <summary>How bad a firing alert is; the words PagerDuty's Events API v2 uses for <c>payload.severity</c>.</summary>
public enum AlertSeverity
{
    Info,
    Warning,
    Error,
    Critical,
}

/// <summary>One entry of the top-level <c>alerts</c> section: a condition watched per target (or per check) and who hears of it.</summary>
public sealed record AlertRule
{
    /// <summary>The key in the <c>alerts</c> mapping.</summary>
    public required string Name { get; init; }

    /// <summary>The parsed <c>when:</c>.</summary>
    public required AlertCondition When { get; init; }

    /// <summary>The window <c>success_rate</c> is computed over. <value>24h</value></summary>
    public TimeSpan Over { get; init; } = TimeSpan.FromHours(24);

    /// <summary>How long the condition must hold before the alert fires (pending until then). <value>0: fires at once</value></summary>
    public TimeSpan For { get; init; }

    /// <value>warning</value>
    public AlertSeverity Severity { get; init; } = AlertSeverity.Warning;

    /// <summary>Names of notifiers (top-level <c>notifiers</c>) told when the alert fires and resolves.</summary>
    public IReadOnlyList<string> Notify { get; init; } = [];

    /// <summary>Target-name globs for target metrics; empty for every target.</summary>
    public IReadOnlyList<Glob> Targets { get; init; } = [];

    /// <summary>Check-name globs for <c>check_down</c>; empty for every check.</summary>
    public IReadOnlyList<Glob> Checks { get; init; } = [];

    /// <summary>True when the rule watches checks rather than targets.</summary>
    public bool IsCheckRule => When.Metric.IsCheckMetric();

    /// <summary>True when the rule applies to the target or check named <paramref name="subject"/>.</summary>
    public bool Covers(string subject)
    {
        var globs = IsCheckRule ? Checks : Targets;
        return globs.Count == 0 || globs.Any(g => g.IsMatch(subject));
    }
}
