namespace Syncplane.Documents;

/// <summary>
/// A target's event sources (<c>events: { pubsub: {…}, cloudevents: {…} }</c>): messages that patch its document one
/// record at a time, between full syncs. Each is received at <c>POST /api/v1/webhooks/{provider}/targets/{target}</c>.
/// </summary>
public sealed record DocumentEvents
{
    /// <summary>Provider (<c>pubsub</c>, <c>cloudevents</c>) → its settings.</summary>
    public IReadOnlyDictionary<string, EventSourceConfig> Sources { get; init; } = new Dictionary<string, EventSourceConfig>();
}

/// <summary>One event source of a target.</summary>
/// <param name="Subscription">When set, only messages of this Pub/Sub subscription (<c>projects/P/subscriptions/S</c>) are applied; others get 400.</param>
public sealed record EventSourceConfig(string? Subscription);
