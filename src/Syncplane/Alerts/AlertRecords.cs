namespace Syncplane.Alerts;

/// <summary>Where one rule × subject stands; stored as lowercase text.</summary>
public static class AlertStates
{
    public const string Ok = "ok";
    public const string Pending = "pending";
    public const string Firing = "firing";
    public const string Resolved = "resolved";

    /// <summary>True for the states in which the condition is not (or no longer) met.</summary>
    public static bool IsQuiet(string state) => state is Ok or Resolved;
}

/// <summary>The transitions recorded in the alert history and sent on the event stream as <c>alert.&lt;transition&gt;</c>.</summary>
public static class AlertTransitions
{
    public const string Pending = "pending";
    public const string Firing = "firing";
    public const string Resolved = "resolved";

    /// <summary>A pending alert whose condition stopped holding before <c>for:</c> passed: nothing was sent.</summary>
    public const string Cleared = "cleared";

    public const string Acknowledged = "acknowledged";
}

/// <summary>One rule × target (or check) as stored.</summary>
/// <param name="Kind">target or check: what <paramref name="Subject"/> names.</param>
/// <param name="Notified">True when its current firing was handed to its notifiers (so its resolve is too).</param>
public sealed record AlertState(
    long Id, string Rule, string Subject, string Kind, string State, DateTimeOffset Since, double? Value, string Severity, bool Notified,
    string? AckedBy, DateTimeOffset? AckedAt, long Version);

/// <summary>One line of the alert history.</summary>
public sealed record AlertHistoryEntry(long Id, long AlertId, DateTimeOffset At, string Rule, string Subject, string Transition, double? Value, string Message);

/// <summary>A state change to record if, and only if, the state is still at <see cref="ExpectedVersion"/>.</summary>
/// <param name="Deliveries">Notifier name → the notification's JSON payload: outbox rows written with the change.</param>
public sealed record AlertTransition(
    long AlertId, long ExpectedVersion, string NewState, string Transition, double? Value, bool Notified, string Message,
    IReadOnlyDictionary<string, string> Deliveries);

/// <summary>A silence: alerts whose rule and subject match are tracked but not sent until <see cref="Until"/>.</summary>
/// <param name="Matchers">rule, target or check → a glob; all must match.</param>
public sealed record AlertSilence(long Id, IReadOnlyDictionary<string, string> Matchers, DateTimeOffset Until, string CreatedBy, string Comment, DateTimeOffset CreatedAt);

/// <summary>An outbox row a node has claimed: it holds the lease and sends it.</summary>
public sealed record AlertDelivery(long Id, long AlertId, string Notifier, string Transition, string Payload, int Attempts);

/// <summary>How a notifier's alert deliveries are going.</summary>
/// <param name="Pending">Deliveries not yet sent nor given up.</param>
public sealed record AlertChannelHealth(
    string Notifier, DateTimeOffset? LastSuccessAt, DateTimeOffset? LastFailureAt, string? LastError, int ConsecutiveFailures, int Pending)
{
    /// <summary>True when the latest attempt failed.</summary>
    public bool Failing => ConsecutiveFailures > 0;
}
