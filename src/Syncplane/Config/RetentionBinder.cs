using Syncplane.Storage.Rollups;

namespace Syncplane.Config;

/// <summary>Binds the top-level <c>retention:</c> block; every key is optional and defaults as <see cref="RetentionPolicy"/> documents.</summary>
internal static class RetentionBinder
{
    public static RetentionPolicy Bind(ConfigNode? node, ConfigReader reader)
    {
        var defaults = new RetentionPolicy();
        if (node is null || node.IsNull || !reader.Mapping(node, "retention", "runs", "events", "check_results", "webhook_deliveries", "hourly_rollups", "interval"))
        {
            return defaults;
        }

        TimeSpan Keep(string key, TimeSpan fallback, TimeSpan least)
        {
            var value = reader.Duration(node, key) ?? fallback;
            if (value < least)
            {
                reader.Error(node[key]!, $"retention '{key}' must be at least {DurationParser.Format(least)}, found {DurationParser.Format(value)}");
            }

            return value;
        }

        var oneHour = TimeSpan.FromHours(1);
        return new RetentionPolicy
        {
            Runs = Keep("runs", defaults.Runs, oneHour),
            Events = Keep("events", defaults.Events, oneHour),
            CheckResults = Keep("check_results", defaults.CheckResults, oneHour),
            WebhookDeliveries = Keep("webhook_deliveries", defaults.WebhookDeliveries, oneHour),
            HourlyRollups = Keep("hourly_rollups", defaults.HourlyRollups, TimeSpan.FromDays(1)),
            Interval = Keep("interval", defaults.Interval, TimeSpan.FromMinutes(1)),
        };
    }
}
