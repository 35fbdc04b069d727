using Syncplane.Planning;

namespace Syncplane.Notifications;

/// <summary>How a notification's body is shaped.</summary>
public enum NotificationFormat
{
    /// <summary>A flat JSON object describing the run (event, run_id, target, status, message, counts, …).</summary>
    Json,

    /// <summary>A Slack incoming-webhook body: <c>{ "text": "…" }</c>.</summary>
    Slack,

    /// <summary>A GitHub <c>repository_dispatch</c> body: <c>{ "event_type", "client_payload" }</c>.</summary>
    GitHubDispatch,
}

/// <summary>The run outcomes a notifier can be told about (the words used in <c>on:</c>).</summary>
public static class NotificationStatuses
{
    public const string Failed = "failed";
    public const string Succeeded = "succeeded";
    public const string Refused = "refused";
    public const string Cancelled = "cancelled";

    /// <summary>A run that succeeded when the target's previous finished run (succeeded or failed) had failed.</summary>
    public const string Recovered = "recovered";

    /// <summary>A real (not dry) run that succeeded and wrote, deleted or committed something.</summary>
    public const string Changed = "changed";

    public static readonly string[] All = [Failed, Succeeded, Refused, Cancelled, Recovered, Changed];
}

/// <summary>The check changes a notifier can be told about (more words for <c>on:</c>).</summary>
public static class CheckNotifications
{
    /// <summary>Every change of a check's status.</summary>
    public const string Changed = "check.changed";

    /// <summary><c>check.down</c>, <c>check.degraded</c>, <c>check.healthy</c>: a change to that status.</summary>
    public static readonly string[] All = [Changed, "check.down", "check.degraded", "check.healthy"];
}

/// <summary>One entry of the top-level <c>notifiers</c> section: where run outcomes are POSTed.</summary>
public sealed record NotifierConfig
{
    /// <summary>The key in the <c>notifiers</c> mapping; the only thing logs say about the notifier besides the host.</summary>
    public required string Name { get; init; }

    /// <summary>The URL, possibly containing secret references; resolved only when a notification is sent.</summary>
    public required string Webhook { get; init; }

    /// <value>json</value>
    public NotificationFormat Format { get; init; } = NotificationFormat.Json;

    /// <summary>Outcomes that are sent (<see cref="NotificationStatuses"/>). <value>failed</value></summary>
    public IReadOnlyList<string> On { get; init; } = [NotificationStatuses.Failed];

    /// <summary>Target-name globs; empty for every target.</summary>
    public IReadOnlyList<Glob> Targets { get; init; } = [];

    /// <summary>Check-name globs for check changes; empty for every check.</summary>
    public IReadOnlyList<Glob> Checks { get; init; } = [];

    /// <summary>Extra request headers; values may contain secret references.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>The <c>event_type</c> of a GitHub dispatch; null for <c>syncplane.run.&lt;status&gt;</c>.</summary>
    public string? EventType { get; init; }

    /// <summary>The github_dispatch <c>client_payload</c> written in the config; null for the built-in one.</summary>
    internal PayloadTemplate? ClientPayload { get; init; }

    /// <summary>Set for a PagerDuty notifier (alerts only); <see cref="Webhook"/> is then empty.</summary>
    public PagerDutyChannel? PagerDuty { get; init; }

    /// <summary>Set for an email notifier (alerts only); <see cref="Webhook"/> is then empty.</summary>
    public EmailChannel? Email { get; init; }

    /// <summary>True for a notifier that POSTs to <see cref="Webhook"/>; PagerDuty and email notifiers serve alerts only.</summary>
    public bool IsWebhook => PagerDuty is null && Email is null;

    /// <summary>True when this notifier wants to hear about <paramref name="outcome"/>.</summary>
    internal bool Wants(RunOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return IsWebhook && (On.Contains(outcome.Status)
                || (outcome.Recovered && On.Contains(NotificationStatuses.Recovered))
                || (outcome.Changed && On.Contains(NotificationStatuses.Changed)))
            && (Targets.Count == 0 || Targets.Any(glob => glob.IsMatch(outcome.Target)));
    }

    /// <summary>
    /// True when this notifier wants to hear about <paramref name="change"/>: <c>on:</c> has <c>check.changed</c> or
    /// <c>check.&lt;status&gt;</c>, the check matches <c>checks:</c>, and it is not a first result that is healthy (nothing happened).
    /// </summary>
    internal bool Wants(CheckChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return IsWebhook && (On.Contains(CheckNotifications.Changed) || On.Contains($"check.{change.Status}"))
            && !(change.Previous == "unknown" && change.Status == "healthy")
            && (Checks.Count == 0 || Checks.Any(glob => glob.IsMatch(change.Name)));
    }
}
