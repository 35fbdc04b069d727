using System.Text;
using System.Text.Json;

namespace Syncplane.Webhooks;

/// <summary>
/// Parses a Pub/Sub push request in the default (wrapped) form:
/// <c>{ "message": { "data": base64, "attributes": {…}, "messageId", "publishTime" }, "subscription" }</c>.
/// </summary>
internal static class PubSubPayload
{
    public static InboundDelivery Parse(WebhookRequest request, DateTimeOffset now)
    {
        var body = JsonPayload.ParseObject(request.Body, "the Pub/Sub push request");
        if (body.Property("message") is not { ValueKind: JsonValueKind.Object } message)
        {
            throw WebhookRejectedException.BadRequest("the Pub/Sub push request has no 'message' object; Syncplane expects wrapped push messages (payload unwrapping off)");
        }

        var messageId = message.String("messageId") ?? message.String("message_id")
            ?? throw WebhookRejectedException.BadRequest("the Pub/Sub message has no messageId");
        var subscription = body.String("subscription");
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (message.Property("attributes") is { ValueKind: JsonValueKind.Object } attrs)
        {
            foreach (var attribute in attrs.EnumerateObject())
            {
                if (JsonPayload.ScalarText(attribute.Value) is { } text)
                {
                    attributes[attribute.Name] = text;
                }
            }
        }

        if (message.String("data") is { } data)
        {
            FlattenData(data, attributes);
        }

        return new InboundDelivery
        {
            Provider = WebhookProviders.PubSub,
            DeliveryId = messageId,
            EventType = "message",
            Repository = subscription,
            Attributes = attributes,
            ReceivedAt = now,
            Summary = JsonPayload.Short($"pubsub message {messageId} on {subscription}", 200),
        };
    }

    // A JSON object in data becomes data.<field> attributes, so matchers can look inside (GCS notifications, asset feeds).
    private static void FlattenData(string base64, Dictionary<string, string> attributes)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw WebhookRejectedException.BadRequest("the Pub/Sub message's data is not base64");
        }

        var trimmed = Encoding.UTF8.GetString(bytes).TrimStart();
        if (!trimmed.StartsWith('{'))
        {
            return;
        }

        try
        {
            using var document = JsonDocument.Parse(bytes);
            JsonPayload.Flatten(document.RootElement, "data", attributes);
        }
        catch (JsonException)
        {
            // Data is opaque to Pub/Sub; text that merely starts with '{' is not an error.
        }
    }
}
