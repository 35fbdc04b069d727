using System.Text.Json.Nodes;
using Syncplane.Events;
using Syncplane.Notifications;

namespace Syncplane.Alerts;

/// <summary>
/// The bodies an alert transition is sent as. json: <c>{ "event": "alert.firing", "alert_id", "rule", "target"|"check",
/// "state", "severity", "condition", "value", "summary", "at", "dedup_key" }</c>; slack: <c>{ "text": "…" }</c> (incoming
/// webhook); github_dispatch: <c>{ "event_type": "syncplane.alert.firing", "client_payload": { the json fields but dedup_key (GitHub's limit is 10) } }</c>; PagerDuty Events API v2:
/// <c>{ "routing_key", "event_action": "trigger", "dedup_key", "payload": { "summary", "source", "severity", "timestamp",
/// "component", "group", "class", "custom_details" }, "client" }</c>, and for a resolve <c>{ "routing_key", "event_action":
/// "resolve", "dedup_key" }</c>.
/// </summary>
internal static class AlertPayloads
{
    /// <summary>PagerDuty cuts summaries at 1024 characters.</summary>
    private const int MaxSummary = 1024;

    public static string Webhook(NotifierConfig notifier, AlertNotice notice) => (notifier.Format switch
    {
        NotificationFormat.Slack => new JsonObject { ["text"] = SlackText(notice) },
        NotificationFormat.GitHubDispatch => new JsonObject
        {
            ["event_type"] = notifier.EventType ?? $"syncplane.alert.{notice.Transition}",
            ["client_payload"] = WithoutDedupKey(Flat(notice)),
        },
        _ => Flat(notice),
    }).ToJsonString();

    public static string PagerDuty(string routingKey, AlertNotice notice)
    {
        var body = new JsonObject
        {
            ["routing_key"] = routingKey,
            ["event_action"] = notice.Transition == AlertTransitions.Firing ? "trigger" : "resolve",
            ["dedup_key"] = notice.DedupKey,
        };
        if (notice.Transition == AlertTransitions.Firing)
        {
            body["payload"] = new JsonObject
            {
                ["summary"] = notice.Summary.Length > MaxSummary ? notice.Summary[..MaxSummary] : notice.Summary,
                ["source"] = $"{notice.Kind}/{notice.Subject}",
                ["severity"] = notice.Severity,
                ["timestamp"] = UtcTimestamps.Text(notice.At),
                ["component"] = notice.Subject,
                ["group"] = notice.Kind,
                ["class"] = notice.Rule,
                ["custom_details"] = new JsonObject { ["condition"] = notice.Condition, ["value"] = notice.Value, ["alert_id"] = notice.AlertId },
            };
            body["client"] = "Syncplane";
        }

        return body.ToJsonString();
    }

    public static string EmailSubject(AlertNotice notice) => notice.Summary.Length > 200 ? notice.Summary[..200] : notice.Summary;

    public static string EmailBody(AlertNotice notice) => $"""
        {notice.Summary}

        rule:      {notice.Rule}
        {notice.Kind,-10} {notice.Subject}
        state:     {notice.Transition}
        severity:  {notice.Severity}
        condition: {notice.Condition}
        value:     {notice.Value ?? "(none)"}
        at:        {UtcTimestamps.Text(notice.At)}

        -- Syncplane
        """;

    private static JsonObject Flat(AlertNotice notice) => new()
    {
        ["event"] = $"alert.{notice.Transition}",
        ["alert_id"] = notice.AlertId,
        ["rule"] = notice.Rule,
        [notice.Kind] = notice.Subject,
        ["state"] = notice.Transition,
        ["severity"] = notice.Severity,
        ["condition"] = notice.Condition,
        ["value"] = notice.Value,
        ["summary"] = notice.Summary,
        ["at"] = UtcTimestamps.Text(notice.At),
        ["dedup_key"] = notice.DedupKey,
    };

    // GitHub accepts at most 10 top-level properties in client_payload.
    private static JsonObject WithoutDedupKey(JsonObject flat)
    {
        flat.Remove("dedup_key");
        return flat;
    }

    // Slack asks for &, < and > to be escaped in text.
    private static string SlackText(AlertNotice notice) =>
        $"Syncplane: {notice.Summary}".Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
