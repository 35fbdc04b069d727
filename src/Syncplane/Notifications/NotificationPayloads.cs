using System.Globalization;
using System.Text.Json.Nodes;

namespace Syncplane.Notifications;

/// <summary>Builds the request body a notifier sends for a run outcome, in its <see cref="NotificationFormat"/>.</summary>
/// <remarks>
/// json: <c>{ "event", "run_id", "target", "status", "recovered", "message", "attempt", "trigger", "dry_run", "creates", "updates",
/// "deletes", "duration_ms", "source_revision", "revision", "commit_sha", "changed", "at", "event_id" }</c>;
/// slack: <c>{ "text": "Syncplane: target *docs* failed (run 12, attempt 3): …" }</c> (Slack's incoming-webhook format, with
/// <c>&amp;</c>, <c>&lt;</c> and <c>&gt;</c> escaped as Slack asks);
/// github_dispatch: <c>{ "event_type": "syncplane.run.failed", "client_payload": { …, "revision", … } }</c> with at most 10 top-level
/// properties in <c>client_payload</c>, GitHub's limit, or the notifier's own <c>client_payload</c> template filled in.
/// </remarks>
internal static class NotificationPayloads
{
    /// <summary>Messages longer than this are cut, so one verbose failure cannot make a body a receiver refuses.</summary>
    public const int MaxMessageLength = 2000;

    /// <summary>The JSON body for <paramref name="notifier"/>.</summary>
    public static string Build(NotifierConfig notifier, RunOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(notifier);
        ArgumentNullException.ThrowIfNull(outcome);
        var body = notifier.Format switch
        {
            NotificationFormat.Slack => new JsonObject { ["text"] = SlackText(outcome) },
            NotificationFormat.GitHubDispatch => GitHubDispatch(notifier, outcome),
            _ => Json(outcome),
        };
        return body.ToJsonString();
    }

    /// <summary>The <c>event_type</c> of a GitHub dispatch: the configured one with <c>{target}</c> and <c>{status}</c> filled in, or <c>syncplane.run.&lt;status&gt;</c>.</summary>
    public static string DispatchEventType(NotifierConfig notifier, RunOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(notifier);
        ArgumentNullException.ThrowIfNull(outcome);
        return notifier.EventType is { } configured
            ? configured.Replace("{target}", outcome.Target, StringComparison.Ordinal).Replace("{status}", outcome.Status, StringComparison.Ordinal)
            : $"syncplane.run.{outcome.Status}";
    }

    private static JsonObject Json(RunOutcome outcome) => new()
    {
        ["event"] = outcome.Event,
        ["run_id"] = outcome.RunId,
        ["target"] = outcome.Target,
        ["status"] = outcome.Status,
        ["recovered"] = outcome.Recovered,
        ["message"] = Cut(outcome.Message),
        ["attempt"] = outcome.Attempt,
        ["trigger"] = outcome.Trigger,
        ["dry_run"] = outcome.DryRun,
        ["creates"] = outcome.Creates,
        ["updates"] = outcome.Updates,
        ["deletes"] = outcome.Deletes,
        ["duration_ms"] = outcome.DurationMs,
        ["source_revision"] = outcome.SourceRevision,
        ["revision"] = outcome.Revision,
        ["commit_sha"] = outcome.CommitSha,
        ["changed"] = outcome.Changed,
        ["at"] = outcome.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        ["event_id"] = outcome.EventId,
    };

    private static JsonObject GitHubDispatch(NotifierConfig notifier, RunOutcome outcome) => new()
    {
        ["event_type"] = DispatchEventType(notifier, outcome),
        ["client_payload"] = notifier.ClientPayload?.Render(outcome) ?? new JsonObject
        {
            ["run_id"] = outcome.RunId,
            ["target"] = outcome.Target,
            ["status"] = outcome.Status,
            ["recovered"] = outcome.Recovered,
            ["message"] = Cut(outcome.Message),
            ["attempt"] = outcome.Attempt,
            ["trigger"] = outcome.Trigger,
            // What the run synced, for every kind of target (a git source's SHA is its revision); ten keys is GitHub's limit.
            ["revision"] = outcome.Revision,
            ["at"] = outcome.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["event_id"] = outcome.EventId,
        },
    };

    /// <summary>One line for Slack: <c>Syncplane: target *docs* failed (run 12, attempt 3): message</c>.</summary>
    public static string SlackText(RunOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var what = outcome.Recovered ? NotificationStatuses.Recovered : outcome.Status;
        var run = outcome.Attempt is { } attempt
            ? string.Create(CultureInfo.InvariantCulture, $"run {outcome.RunId}, attempt {attempt}")
            : string.Create(CultureInfo.InvariantCulture, $"run {outcome.RunId}");
        var text = $"Syncplane: target *{SlackEscape(outcome.Target)}* {what} ({run})";
        return Cut(outcome.Message) is { Length: > 0 } message ? $"{text}: {SlackEscape(message)}" : text;
    }

    // Slack reads <…> as links and mentions; its docs ask for these three to be escaped, and only these.
    private static string SlackEscape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    internal static string? Cut(string? message) =>
        message is { Length: > MaxMessageLength } ? message[..MaxMessageLength] + "…" : message;
}
