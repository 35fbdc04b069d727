namespace Syncplane.Webhooks;

/// <summary>The top-level <c>webhooks</c> section: how each provider's deliveries are authenticated.</summary>
public sealed record WebhooksConfig
{
    /// <summary>1 MiB.</summary>
    public const long DefaultMaxBodyBytes = 1024 * 1024;

    /// <summary>Deliveries with a larger body are rejected with 413. <value>1 MiB</value></summary>
    public long MaxBodyBytes { get; init; } = DefaultMaxBodyBytes;

    /// <summary>1,000 deliveries.</summary>
    public const int DefaultMaxPending = 1000;

    /// <summary>
    /// How many accepted deliveries may wait for the store at once on one server; one more is answered 503 with
    /// <c>Retry-After</c> and nothing recorded, instead of waiting behind a backlog. <value>1,000</value>
    /// </summary>
    public int MaxPending { get; init; } = DefaultMaxPending;

    /// <summary>Provider name → its settings; a provider missing here rejects every delivery with 401.</summary>
    public IReadOnlyDictionary<string, WebhookProviderConfig> Providers { get; init; } = new Dictionary<string, WebhookProviderConfig>();
}

/// <summary>Where a shared token is looked for.</summary>
public enum WebhookTokenLocation
{
    /// <summary>A header: <c>Authorization: Bearer &lt;token&gt;</c>, or the raw value of <see cref="WebhookProviderConfig.TokenHeader"/>.</summary>
    Header,

    /// <summary>The <c>token</c> query parameter of the webhook URL.</summary>
    Query,
}

/// <summary>One provider's entry under <c>webhooks</c>.</summary>
public sealed record WebhookProviderConfig
{
    /// <summary>The GitHub HMAC secret or the shared token, as a secret reference (<c>${env:NAME}</c>, <c>${file:PATH}</c>).</summary>
    public string? Secret { get; init; }

    /// <summary>Where the token is sent (pubsub, cloudevents, generic). <value>query for pubsub, header otherwise</value></summary>
    public WebhookTokenLocation TokenIn { get; init; } = WebhookTokenLocation.Header;

    /// <summary>The header that carries the token. <value>Authorization (as a Bearer token)</value></summary>
    public string TokenHeader { get; init; } = "Authorization";

    /// <summary>Accept deliveries without a token (cloudevents and generic only, and only when said explicitly).</summary>
    public bool AllowUnauthenticated { get; init; }
}
