using Syncplane.Alerts;

namespace Syncplane.Storage;

/// <summary>Alert states, their history, silences and the alert outbox (issue 15).</summary>
public partial interface ISyncStore
{
    /// <summary>The state of <paramref name="rule"/> × <paramref name="subject"/>, created as ok (since now) when it has none.</summary>
    Task<AlertState> EnsureAlertStateAsync(string rule, string subject, string kind, string severity, CancellationToken cancellationToken);

    /// <summary>Every alert state, by rule and subject.</summary>
    Task<IReadOnlyList<AlertState>> ListAlertStatesAsync(CancellationToken cancellationToken);

    /// <summary>One alert state, or null.</summary>
    Task<AlertState?> GetAlertStateAsync(long id, CancellationToken cancellationToken);

    /// <summary>
    /// Records <paramref name="transition"/> — the new state, a history line, an <c>alert.&lt;transition&gt;</c> event and
    /// its outbox rows — in one transaction, only if the state is still at the expected version; false (nothing written)
    /// when another node changed it first.
    /// </summary>
    Task<bool> TransitionAlertAsync(AlertTransition transition, CancellationToken cancellationToken);

    /// <summary>Acknowledges a firing alert; false when it is not firing (or unknown). Records history and an event.</summary>
    Task<bool> AcknowledgeAlertAsync(long id, string by, CancellationToken cancellationToken);

    /// <summary>History lines, newest first: of one alert when <paramref name="alertId"/> is set.</summary>
    Task<IReadOnlyList<AlertHistoryEntry>> ListAlertHistoryAsync(long? alertId, int limit, CancellationToken cancellationToken);

    /// <summary>Stores a silence and appends an <c>alert.silenced</c> event; returns it with its id.</summary>
    Task<AlertSilence> AddAlertSilenceAsync(IReadOnlyDictionary<string, string> matchers, DateTimeOffset until, string createdBy, string comment, CancellationToken cancellationToken);

    /// <summary>Silences that last beyond <paramref name="at"/>.</summary>
    Task<IReadOnlyList<AlertSilence>> ListAlertSilencesAsync(DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>
    /// Claims up to <paramref name="max"/> due deliveries for <paramref name="holder"/> until now + <paramref name="lease"/>: unsent, not
    /// given up, not leased by a live holder, and with no earlier open delivery of the same alert to the same notifier.
    /// </summary>
    Task<IReadOnlyList<AlertDelivery>> ClaimAlertDeliveriesAsync(string holder, TimeSpan lease, int max, CancellationToken cancellationToken);

    /// <summary>Marks a delivery sent while <paramref name="holder"/> still holds it; false when the lease was lost.</summary>
    Task<bool> CompleteAlertDeliveryAsync(long id, string holder, CancellationToken cancellationToken);

    /// <summary>Records a failed attempt: retried at <paramref name="retryAt"/>, or given up when it is null.</summary>
    Task FailAlertDeliveryAsync(long id, string holder, string why, DateTimeOffset? retryAt, CancellationToken cancellationToken);

    /// <summary>Delivery health per notifier that alerts were sent to.</summary>
    Task<IReadOnlyList<AlertChannelHealth>> ListAlertChannelsAsync(CancellationToken cancellationToken);
}
