using System.Globalization;
using System.Text.Json.Nodes;

namespace Syncplane.Notifications;

/// <summary>Builds the request body a notifier sends for a check change, in its <see cref="NotificationFormat"/>.</summary>
/// <remarks>
/// json: <c>{ "event": "check.changed", "check", "kind", "status", "previous", "state", "message", "at", "event_id" }</c>;
/// slack: <c>{ "text": "Syncplane: check *repo* is down (Diverged), was healthy: …" }</c>;
/// github_dispatch: <c>{ "event_type": "syncplane.check.down", "client_payload": { … } }</c>.
/// </remarks>
internal static class CheckChangePayloads
{
    /// <summary>The JSON body for <paramref name="notifier"/>.</summary>
    public static string Build(NotifierConfig notifier, CheckChange change)
    {
        ArgumentNullException.ThrowIfNull(notifier);
        ArgumentNullException.ThrowIfNull(change);
        JsonObject body = notifier.Format switch
        {
            NotificationFormat.Slack => new JsonObject { ["text"] = SlackText(change) },
            NotificationFormat.GitHubDispatch => new JsonObject
            {
                ["event_type"] = notifier.EventType?.Replace("{status}", change.Status, StringComparison.Ordinal) ?? $"syncplane.check.{change.Status}",
                ["client_payload"] = Fields(change),
            },
            _ => Fields(change),
        };
        return body.ToJsonString();
    }

    /// <summary>One line for Slack: <c>Syncplane: check *repo* is down (Diverged), was healthy: message</c>.</summary>
    public static string SlackText(CheckChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var state = change.State is { } s ? $" ({s})" : "";
        var text = $"Syncplane: check *{Escape(change.Name)}* is {change.Status}{state}, was {change.Previous}";
        return change.Message is { Length: > 0 } message ? $"{text}: {Escape(Cut(message))}" : text;
    }

    private static JsonObject Fields(CheckChange change) => new()
    {
        ["event"] = Events.EventTypes.CheckChanged,
        ["check"] = change.Name,
        ["kind"] = change.Kind,
        ["status"] = change.Status,
        ["previous"] = change.Previous,
        ["state"] = change.State,
        ["message"] = change.Message is { } message ? Cut(message) : null,
        ["at"] = change.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        ["event_id"] = change.EventId,
    };

    // Slack reads <…> as links and mentions; its docs ask for these three to be escaped, and only these.
    private static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static string Cut(string message) =>
        message.Length > NotificationPayloads.MaxMessageLength ? message[..NotificationPayloads.MaxMessageLength] + "…" : message;
}
