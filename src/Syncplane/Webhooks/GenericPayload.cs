using System.Text.Json;

namespace Syncplane.Webhooks;

/// <summary>
/// Parses a plain JSON event: any JSON object. The event name is its <c>event_type</c> (GitHub
/// <c>repository_dispatch</c> style), <c>event</c> or <c>type</c> field; every scalar field is an attribute
/// under its dotted path (<c>client_payload.trigger</c>).
/// </summary>
internal static class GenericPayload
{
    private static readonly string[] EventFields = ["event_type", "event", "type"];

    public static InboundDelivery Parse(WebhookRequest request, DateTimeOffset now)
    {
        var body = JsonPayload.ParseObject(request.Body, "the event");
        var eventType = EventFields.Select(f => body.String(f)).FirstOrDefault(v => !string.IsNullOrEmpty(v)) ?? "";
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        JsonPayload.Flatten(body, "", attributes);
        var deliveryId = request.Header("Idempotency-Key") ?? request.Header("X-Request-Id");
        return new InboundDelivery
        {
            Provider = WebhookProviders.Generic,
            DeliveryId = deliveryId,
            EventType = eventType,
            Attributes = attributes,
            ReceivedAt = now,
            Summary = JsonPayload.Short($"event {(eventType.Length > 0 ? eventType : "(unnamed)")}{(deliveryId is null ? "" : " " + deliveryId)}", 200),
        };
    }
}
