using System.Globalization;
using System.Text.RegularExpressions;
using Syncplane.Config;

namespace Syncplane.Alerts;

/// <summary>What a rule measures. Target metrics are read per target; <see cref="CheckDown"/> per check.</summary>
public enum AlertMetric
{
    /// <summary>Succeeded ÷ (succeeded + failed) of the real runs that finished within <c>over:</c>; no value without such runs.</summary>
    SuccessRate,

    /// <summary>The latest finished real run: from queued (its trigger) to finished.</summary>
    Latency,

    /// <summary>The latest finished real run: from started to finished.</summary>
    Duration,

    /// <summary>Time since the last successful real run finished; no value before the first one.</summary>
    Freshness,

    /// <summary>Failed real runs since the last successful one.</summary>
    ConsecutiveFailures,

    /// <summary>The check's newest result is <c>down</c>.</summary>
    CheckDown,
}

/// <summary>How a metric is compared with the rule's value.</summary>
public enum AlertComparator
{
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Equal,
    NotEqual,
}

/// <summary>
/// A parsed <c>when:</c>: <c>METRIC OP VALUE</c> (<c>success_rate &lt; 0.95</c>, <c>latency &gt; 300s</c>,
/// <c>consecutive_failures &gt;= 3</c>), or a bare boolean metric (<c>check_down</c>). Durations need a unit
/// (ms, s, m, h, d); a rate is a number from 0 to 1 or a percentage; a count is a whole number.
/// </summary>
public sealed partial record AlertCondition(AlertMetric Metric, AlertComparator Comparator, double Threshold, string Text)
{
    private static readonly Dictionary<string, AlertMetric> Metrics = new(StringComparer.Ordinal)
    {
        ["success_rate"] = AlertMetric.SuccessRate,
        ["latency"] = AlertMetric.Latency,
        ["duration"] = AlertMetric.Duration,
        ["freshness"] = AlertMetric.Freshness,
        ["consecutive_failures"] = AlertMetric.ConsecutiveFailures,
        ["check_down"] = AlertMetric.CheckDown,
    };

    private static readonly Dictionary<string, AlertComparator> Comparators = new(StringComparer.Ordinal)
    {
        ["<"] = AlertComparator.Less,
        ["<="] = AlertComparator.LessOrEqual,
        [">"] = AlertComparator.Greater,
        [">="] = AlertComparator.GreaterOrEqual,
        ["=="] = AlertComparator.Equal,
        ["!="] = AlertComparator.NotEqual,
    };

    /// <summary>The metric names <c>when:</c> accepts.</summary>
    public static IReadOnlyCollection<string> MetricNames => Metrics.Keys;

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> says what is wrong and what is expected.</summary>
    public static bool TryParse(string text, out AlertCondition? condition, out string? error)
    {
        condition = null;
        var match = ConditionRegex().Match(text);
        if (!match.Success)
        {
            error = $"'{text}' is not a condition; write METRIC OP VALUE such as \"success_rate < 0.95\" or \"latency > 300s\", or \"check_down\"";
            return false;
        }

        var name = match.Groups["metric"].Value;
        if (!Metrics.TryGetValue(name, out var metric))
        {
            error = $"unknown metric '{name}' in '{text}'; expected one of: {string.Join(", ", Metrics.Keys)}";
            return false;
        }

        if (!match.Groups["op"].Success)
        {
            if (metric != AlertMetric.CheckDown)
            {
                error = $"'{name}' needs a comparison, such as \"{name} {Example(metric)}\"";
                return false;
            }

            condition = new AlertCondition(metric, AlertComparator.Equal, 1, text);
            error = null;
            return true;
        }

        if (metric == AlertMetric.CheckDown)
        {
            error = $"check_down is true or false and takes no comparison; write \"check_down\"";
            return false;
        }

        var op = Comparators[match.Groups["op"].Value];
        var valueText = match.Groups["value"].Value;
        if (ParseThreshold(metric, valueText, out error) is not { } threshold)
        {
            error = $"{error} in '{text}'";
            return false;
        }

        condition = new AlertCondition(metric, op, threshold, text);
        return true;
    }

    /// <summary>True when <paramref name="value"/> (seconds for time metrics, 1/0 for check_down) meets the condition.</summary>
    public bool IsMet(double value) => Comparator switch
    {
        AlertComparator.Less => value < Threshold,
        AlertComparator.LessOrEqual => value <= Threshold,
        AlertComparator.Greater => value > Threshold,
        AlertComparator.GreaterOrEqual => value >= Threshold,
        AlertComparator.Equal => value == Threshold,
        _ => value != Threshold,
    };

    /// <summary>A metric value as people read it: 0.93, 5m, 3.</summary>
    public string FormatValue(double value) => Metric switch
    {
        AlertMetric.Latency or AlertMetric.Duration or AlertMetric.Freshness => Duration(TimeSpan.FromSeconds(Math.Round(value))),
        AlertMetric.CheckDown => value >= 1 ? "down" : "up",
        _ => value.ToString("0.###", CultureInfo.InvariantCulture),
    };

    // 6h2s, 5m, 0s: whole seconds in the units the config uses.
    private static string Duration(TimeSpan value)
    {
        var parts = new[] { ((int)value.TotalDays, "d"), (value.Hours, "h"), (value.Minutes, "m"), (value.Seconds, "s") }
            .Where(p => p.Item1 > 0).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Item1}{p.Item2}"));
        return string.Concat(parts) is { Length: > 0 } text ? text : "0s";
    }

    private static double? ParseThreshold(AlertMetric metric, string text, out string? error)
    {
        error = null;
        switch (metric)
        {
            case AlertMetric.SuccessRate:
                if (text.EndsWith('%') && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var percent) && percent is >= 0 and <= 100)
                {
                    return percent / 100;
                }

                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) && rate is >= 0 and <= 1)
                {
                    return rate;
                }

                error = $"success_rate compares with a number from 0 to 1 or a percentage (0.95, 95%), found '{text}'";
                return null;
            case AlertMetric.ConsecutiveFailures:
                if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
                {
                    return count;
                }

                error = $"consecutive_failures compares with a whole number such as 3, found '{text}'";
                return null;
            default:
                if (DurationParser.TryParse(text, out var duration))
                {
                    return duration.TotalSeconds;
                }

                error = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
                    ? $"{Name(metric)} compares with a duration and '{text}' has no unit; write it with ms, s, m, h or d (such as 300s)"
                    : $"'{text}' is not a duration; {Name(metric)} compares with a duration such as 300s, 5m or 6h (units: ms, s, m, h, d)";
                return null;
        }
    }

    private static string Name(AlertMetric metric) => Metrics.First(m => m.Value == metric).Key;

    private static string Example(AlertMetric metric) => metric switch
    {
        AlertMetric.SuccessRate => "< 0.95",
        AlertMetric.ConsecutiveFailures => ">= 3",
        _ => "> 300s",
    };

    [GeneratedRegex(@"^\s*(?<metric>[A-Za-z_][A-Za-z0-9_]*)\s*(?:(?<op><=|>=|==|!=|<|>)\s*(?<value>[0-9][0-9.]*[A-Za-z%]*)\s*)?$")]
    private static partial Regex ConditionRegex();
}

/// <summary>Which metrics are read per check rather than per target.</summary>
public static class AlertMetrics
{
    public static bool IsCheckMetric(this AlertMetric metric) => metric == AlertMetric.CheckDown;

    /// <summary>info, warning, error or critical.</summary>
    public static string ToText(this AlertSeverity severity) => severity.ToString().ToLowerInvariant();
}
