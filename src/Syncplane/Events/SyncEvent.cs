using System.Text.Json.Nodes;

namespace Syncplane.Events;

/// <summary>One entry of the append-only event log.</summary>
/// <param name="Id">Monotonically increasing: an event committed later has a larger id (gaps are possible).</param>
/// <param name="At">When it was recorded, UTC.</param>
/// <param name="Type">What happened; one of <see cref="EventTypes"/>.</param>
/// <param name="Target">The target it concerns, if any.</param>
/// <param name="RunId">The run it concerns, if any.</param>
/// <param name="Data">A JSON object with the details (never a secret).</param>
public sealed record SyncEvent(long Id, DateTimeOffset At, string Type, string? Target, long? RunId, string Data);

/// <summary>An event to append; the store gives it its id and time.</summary>
public sealed record NewEvent(string Type, string? Target, long? RunId, JsonObject Data)
{
    /// <summary>The data as the compact JSON text that is stored.</summary>
    public string DataJson => Data.ToJsonString();
}

/// <summary>The event types Syncplane records.</summary>
public static class EventTypes
{
    public const string RunQueued = "run.queued";
    public const string RunStarted = "run.started";
    public const string RunProgress = "run.progress";
    public const string RunSucceeded = "run.succeeded";
    public const string RunFailed = "run.failed";
    public const string RunRefused = "run.refused";
    public const string RunCancelled = "run.cancelled";

    /// <summary>A running run went back to the queue: a retry after backoff, a postponement, a release or an expired lease.</summary>
    public const string RunRequeued = "run.requeued";

    /// <summary>A running run waits in place for a rate-limit token or an upstream's <c>Retry-After</c>: <c>reason</c> and <c>until</c>.</summary>
    public const string RunWaiting = "run.waiting";

    /// <summary>A run wrote items: the counts of creates, updates and deletes.</summary>
    public const string ItemsChanged = "items.changed";

    public const string TargetSettingsChanged = "target.settings_changed";
    public const string WebhookReceived = "webhook.received";
    public const string CheckChanged = "check.changed";

    /// <summary>An event changed one record of a document: <c>document</c>, <c>key</c>, <c>change</c> (created, updated, deleted), <c>event</c> (resource_created, …).</summary>
    public const string RecordChanged = "record.changed";
}
