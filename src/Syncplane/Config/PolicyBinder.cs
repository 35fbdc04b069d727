using Syncplane.Engine.Policies;
using Syncplane.Scheduling;

namespace Syncplane.Config;

/// <summary>Binds the scheduling-policy keys a target shares with <c>defaults</c>, and <c>windows</c>.</summary>
internal static class PolicyBinder
{
    /// <summary><c>pause_after_failures: N</c>; 0 turns pausing off.</summary>
    public static int? PauseAfterFailures(ConfigNode map, ConfigReader reader) =>
        reader.WholeNumber(map, "pause_after_failures", min: 0) is { } n ? (int)Math.Min(n, int.MaxValue) : null;

    /// <summary><c>jitter: 30s</c>, or <c>0</c> (<c>0s</c>…) / <c>off</c> / <c>none</c> for no jitter.</summary>
    public static TimeSpan? Jitter(ConfigNode map, ConfigReader reader)
    {
        var node = map["jitter"];
        if (node is null || node.IsNull)
        {
            return null;
        }

        if (node.Kind == ConfigNodeKind.Scalar && (node.Value is "off" or "none" or "false" || node.Value?.TrimEnd('m', 's', 'h', 'd') == "0"))
        {
            return TimeSpan.Zero;
        }

        return reader.Duration(map, "jitter");
    }

    /// <summary><c>rate_limit: 180/hour</c> (the target's own budget) or <c>rate_limit: NAME</c> (a shared one, checked later).</summary>
    public static (RateLimit? Own, string? Shared) RateLimitOf(ConfigNode map, ConfigReader reader)
    {
        var text = reader.Text(map, "rate_limit");
        if (text is null)
        {
            return (null, null);
        }

        if (!text.Contains('/', StringComparison.Ordinal))
        {
            return (null, text.Trim());
        }

        if (RateLimit.TryParse(text, out var limit, out var error))
        {
            return (limit, null);
        }

        reader.Error(map["rate_limit"]!, error);
        return (null, null);
    }

    /// <summary>The top-level <c>rate_limits: { name: 200/hour }</c>.</summary>
    public static Dictionary<string, RateLimit> RateLimits(ConfigNode? node, ConfigReader reader)
    {
        var result = new Dictionary<string, RateLimit>(StringComparer.Ordinal);
        if (node is null || node.IsNull)
        {
            return result;
        }

        if (node.Kind != ConfigNodeKind.Mapping)
        {
            reader.Error(node, $"rate_limits must be a mapping of names to limits such as ads-api: 180/hour, found {node.Describe()}");
            return result;
        }

        foreach (var (key, value) in node.Entries)
        {
            if (key.Value is not { Length: > 0 } name || name.Contains('/', StringComparison.Ordinal))
            {
                reader.Error(key, $"rate limit name '{key.Value}' must be non-empty and cannot contain '/'");
            }
            else if (value.Kind != ConfigNodeKind.Scalar)
            {
                reader.Error(value, $"rate limit '{name}' must be calls/period such as 180/hour, found {value.Describe()}");
            }
            else if (!RateLimit.TryParse(value.Value, out var limit, out var error))
            {
                reader.Error(value, error);
            }
            else
            {
                result[name] = limit;
            }
        }

        return result;
    }

    /// <summary><c>windows: [ { allow|deny: "&lt;cron&gt;", duration, timezone, manual_override } ]</c>; the zone defaults to <paramref name="defaultZone"/>.</summary>
    public static IReadOnlyList<SyncWindow> Windows(ConfigNode map, ConfigReader reader, TimeZoneInfo defaultZone)
    {
        var node = map["windows"];
        if (node is null || node.IsNull)
        {
            return [];
        }

        if (node.Kind != ConfigNodeKind.Sequence)
        {
            reader.Error(node, $"'windows' must be a list such as [ {{ deny: \"0 9 * * 1-5\", duration: 8h }} ], found {node.Describe()}");
            return [];
        }

        var windows = new List<SyncWindow>();
        foreach (var item in node.Items)
        {
            if (Window(item, reader, defaultZone) is { } window)
            {
                windows.Add(window);
            }
        }

        return windows;
    }

    private static SyncWindow? Window(ConfigNode item, ConfigReader reader, TimeZoneInfo defaultZone)
    {
        if (!reader.Mapping(item, "a window", "allow", "deny", "duration", "timezone", "manual_override"))
        {
            return null;
        }

        var (allow, deny) = (reader.Text(item, "allow"), reader.Text(item, "deny"));
        if ((allow is null) == (deny is null))
        {
            reader.Error(item, "a window needs exactly one of 'allow' or 'deny', each a cron expression for when it opens");
            return null;
        }

        var kind = allow is not null ? SyncWindowKind.Allow : SyncWindowKind.Deny;
        var at = item[allow is not null ? "allow" : "deny"]!;
        if (!CronExpression.TryParse(allow ?? deny!, out var start, out var cronError))
        {
            reader.Error(at, $"invalid window start '{allow ?? deny}': {cronError}");
        }

        var duration = reader.Duration(item, "duration");
        if (duration is null && item["duration"] is null)
        {
            reader.Error(item, "missing required key 'duration' in a window (how long it stays open, e.g. 8h)");
        }

        var zone = defaultZone;
        if (reader.Text(item, "timezone") is { } zoneName && !TimeZoneInfo.TryFindSystemTimeZoneById(zoneName, out zone))
        {
            reader.Error(item["timezone"]!, $"unknown time zone '{zoneName}'; use an IANA name such as Europe/Berlin or UTC");
        }

        var manual = reader.Bool(item, "manual_override") ?? false;
        return start is null || duration is null || zone is null ? null : new SyncWindow(kind, start, duration.Value, zone, manual);
    }
}
