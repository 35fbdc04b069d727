namespace Syncplane.Webhooks;

/// <summary>An authenticated delivery in one shape for every provider, ready for matching and the event log.</summary>
public sealed record InboundDelivery
{
    /// <summary>One of <see cref="WebhookProviders"/>.</summary>
    public required string Provider { get; init; }

    /// <summary>
    /// The sender's id for this delivery (GitHub <c>X-GitHub-Delivery</c>, GitLab <c>Idempotency-Key</c>, Pub/Sub
    /// <c>messageId</c>, CloudEvents <c>source</c> + <c>id</c>, generic <c>Idempotency-Key</c>/<c>X-Request-Id</c>).
    /// Deduplicate on (<see cref="Provider"/>, id). Null when the sender gave none: such deliveries cannot be deduplicated.
    /// </summary>
    public string? DeliveryId { get; init; }

    /// <summary><c>push</c>, <c>ping</c>, <c>pull_request</c>, <c>tag_push</c>, the CloudEvents type, the generic event name, or <c>message</c> (Pub/Sub).</summary>
    public required string EventType { get; init; }

    /// <summary>GitHub repository full name, GitLab project path, Pub/Sub subscription or CloudEvents source.</summary>
    public string? Repository { get; init; }

    /// <summary>The pushed branch without <c>refs/heads/</c>.</summary>
    public string? Branch { get; init; }

    /// <summary>The pushed tag without <c>refs/tags/</c>.</summary>
    public string? Tag { get; init; }

    /// <summary>The CloudEvents subject.</summary>
    public string? Subject { get; init; }

    /// <summary>Union of added, modified and removed paths of the pushed commits.</summary>
    public IReadOnlyList<string> ChangedPaths { get; init; } = [];

    /// <summary>
    /// False when the sender truncated the commit list (GitLab sends at most 20 commits, GitHub at most 2,048),
    /// so <see cref="ChangedPaths"/> may miss some: path filters then match rather than risk a missed sync.
    /// </summary>
    public bool PathsComplete { get; init; } = true;

    /// <summary>Pub/Sub attributes, CloudEvents attributes, JSON fields as dotted paths (<c>data.bucket</c>, <c>client_payload.trigger</c>).</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();

    /// <summary>A GitHub ping: answer 200, trigger nothing.</summary>
    public bool IsPing { get; init; }

    /// <summary>When the receiver accepted it (from the injected clock).</summary>
    public DateTimeOffset ReceivedAt { get; init; }

    /// <summary>One line for the event log, at most 200 characters; never holds a secret.</summary>
    public required string Summary { get; init; }
}
