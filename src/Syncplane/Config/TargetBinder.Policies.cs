using Syncplane.Scheduling;

namespace Syncplane.Config;

internal sealed partial class TargetBinder
{
    /// <summary>Adds the scheduling policy keys: rate_limit, depends_on, windows, pause_after_failures, jitter.</summary>
    private TargetConfig WithPolicies(TargetConfig target, ConfigNode node)
    {
        var (own, shared) = PolicyBinder.RateLimitOf(node, reader);
        var dependsOn = reader.StringList(node, "depends_on");
        var zone = target.Schedule.Kind == ScheduleKind.Cron ? target.Schedule.TimeZone : ZoneOf(node);
        return target with
        {
            RateLimit = own,
            RateLimitBucket = shared,
            DependsOn = dependsOn,
            Windows = PolicyBinder.Windows(node, reader, zone),
            PauseAfterFailures = PolicyBinder.PauseAfterFailures(node, reader) ?? defaults.PauseAfterFailures,
            Jitter = PolicyBinder.Jitter(node, reader) ?? defaults.Jitter,
        };
    }

    // The target's 'timezone' (already reported by ScheduleOf when unknown), else UTC.
    private static TimeZoneInfo ZoneOf(ConfigNode node) =>
        node["timezone"] is { Kind: ConfigNodeKind.Scalar, Value: { } name } && TimeZoneInfo.TryFindSystemTimeZoneById(name, out var zone) ? zone : TimeZoneInfo.Utc;
}
