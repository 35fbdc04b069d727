namespace Syncplane.Webhooks;

/// <summary>The outcome of <see cref="WebhookReceiver.Receive"/>: an accepted delivery, or a rejection with its HTTP status.</summary>
public sealed record WebhookVerdict
{
    private WebhookVerdict(int statusCode, string reason, InboundDelivery? delivery)
    {
        StatusCode = statusCode;
        Reason = reason;
        Delivery = delivery;
    }

    /// <summary>200 when accepted; 400, 401, 404 or 413 when rejected.</summary>
    public int StatusCode { get; }

    /// <summary>Why it was rejected (safe to return to the caller: never holds a secret), or "accepted".</summary>
    public string Reason { get; }

    /// <summary>The normalized delivery when accepted; null when rejected.</summary>
    public InboundDelivery? Delivery { get; }

    public bool Accepted => Delivery is not null;

    public static WebhookVerdict Accept(InboundDelivery delivery) => new(200, "accepted", delivery);

    public static WebhookVerdict Reject(int statusCode, string reason) => new(statusCode, reason, null);
}

/// <summary>Thrown inside the parsers to reject a delivery; <see cref="WebhookReceiver"/> turns it into a verdict.</summary>
internal sealed class WebhookRejectedException(int statusCode, string reason) : Exception(reason)
{
    public int StatusCode { get; } = statusCode;

    public static WebhookRejectedException BadRequest(string reason) => new(400, reason);

    public static WebhookRejectedException Unauthorized(string reason) => new(401, reason);
}
