using Syncplane.Scheduling;

namespace Syncplane.Config;

internal sealed partial class TargetBinder
{
    /// <summary>Adds the scheduling policy keys: rate_limit, depends_on, windows, pause_after_failures, jitter.</summary>
    private TargetConfig WithPolicies(TargetConfig target, ConfigNode node)
    {
        var (own, shared) = PolicyBinder.RateLimitOf(node, reader);
        var dependsOn = reader.StringList(node, "depends_on");
        var jitter = PolicyBinder.Jitter(node, reader);
        if (jitter is { } j && target.Schedule.Interval is { } interval && j >= interval)
        {
            reader.Error(node["jitter"]!, $"jitter {DurationParser.Format(j)} must be shorter than the schedule's interval ({DurationParser.Format(interval)}), or the target could not fire once per interval");
        }

        var zone = target.Schedule.Kind == ScheduleKind.Cron ? target.Schedule.TimeZone : ZoneOf(node);
        return target with
        {
            RateLimit = own,
            RateLimitBucket = shared,
            DependsOn = dependsOn,
            Windows = PolicyBinder.Windows(node, reader, zone),
            PauseAfterFailures = PolicyBinder.PauseAfterFailures(node, reader) ?? defaults.PauseAfterFailures,
            Jitter = jitter ?? defaults.Jitter,
        };
    }

    // The target's 'timezone' (already reported by ScheduleOf when unknown), else UTC.
    private static TimeZoneInfo ZoneOf(ConfigNode node) =>
        node["timezone"] is { Kind: ConfigNodeKind.Scalar, Value: { } name } && TimeZoneInfo.TryFindSystemTimeZoneById(name, out var zone) ? zone : TimeZoneInfo.Utc;
}
