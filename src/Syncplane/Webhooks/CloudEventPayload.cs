using System.Text.Json;

namespace Syncplane.Webhooks;

/// <summary>
/// Parses a CloudEvents 1.0 HTTP request in structured mode (<c>Content-Type: application/cloudevents+json</c>)
/// or binary mode (<c>ce-*</c> headers, the body is the data).
/// </summary>
internal static class CloudEventPayload
{
    private static readonly string[] Required = ["specversion", "id", "source", "type"];

    public static InboundDelivery Parse(WebhookRequest request, DateTimeOffset now)
    {
        var contentType = request.Header("Content-Type") ?? "";
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (contentType.StartsWith("application/cloudevents-batch", StringComparison.OrdinalIgnoreCase))
        {
            throw WebhookRejectedException.BadRequest("batched CloudEvents are not supported; send one event per request");
        }

        if (contentType.StartsWith("application/cloudevents", StringComparison.OrdinalIgnoreCase))
        {
            if (!contentType.StartsWith("application/cloudevents+json", StringComparison.OrdinalIgnoreCase))
            {
                throw WebhookRejectedException.BadRequest($"unsupported CloudEvents format '{JsonPayload.Short(contentType)}'; use application/cloudevents+json");
            }

            Structured(request, attributes);
        }
        else if (request.Header("ce-specversion") is not null)
        {
            Binary(request, contentType, attributes);
        }
        else
        {
            throw WebhookRejectedException.BadRequest("not a CloudEvent: expected Content-Type application/cloudevents+json (structured mode) or ce-specversion and the other ce- headers (binary mode)");
        }

        var missing = Required.Where(name => !attributes.TryGetValue(name, out var v) || v.Length == 0).ToList();
        if (missing.Count > 0)
        {
            throw WebhookRejectedException.BadRequest($"the CloudEvent lacks required attribute(s): {string.Join(", ", missing)}");
        }

        if (attributes["specversion"] != "1.0")
        {
            throw WebhookRejectedException.BadRequest($"unsupported CloudEvents specversion '{JsonPayload.Short(attributes["specversion"])}'; expected 1.0");
        }

        var (id, source, type) = (attributes["id"], attributes["source"], attributes["type"]);
        attributes.TryGetValue("subject", out var subject);
        return new InboundDelivery
        {
            Provider = WebhookProviders.CloudEvents,

            // The spec makes source + id unique per distinct event; a space cannot occur in a URI-reference.
            DeliveryId = source + " " + id,
            EventType = type,
            Repository = source,
            Subject = subject,
            Attributes = attributes,
            ReceivedAt = now,
            Summary = JsonPayload.Short($"cloudevent {type} from {source} ({id})", 200),
        };
    }

    private static void Structured(WebhookRequest request, Dictionary<string, string> attributes)
    {
        var body = JsonPayload.ParseObject(request.Body, "the CloudEvent");
        foreach (var property in body.EnumerateObject())
        {
            if (property.Name == "data")
            {
                JsonPayload.Flatten(property.Value, "data", attributes);
            }
            else if (property.Name != "data_base64" && JsonPayload.ScalarText(property.Value) is { } text)
            {
                attributes[property.Name] = text;
            }
        }
    }

    private static void Binary(WebhookRequest request, string contentType, Dictionary<string, string> attributes)
    {
        foreach (var (name, value) in request.Headers)
        {
            if (name.Length > 3 && name.StartsWith("ce-", StringComparison.OrdinalIgnoreCase))
            {
                // The HTTP binding percent-encodes attribute values in headers.
                attributes[name[3..].ToLowerInvariant()] = Uri.UnescapeDataString(value);
            }
        }

        if (contentType.Length > 0)
        {
            attributes["datacontenttype"] = contentType;
        }

        var mediaType = contentType.Split(';')[0].Trim();
        if (request.Body.Length > 0 && (mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase)))
        {
            using var document = ParseData(request.Body);
            JsonPayload.Flatten(document.RootElement, "data", attributes);
        }
    }

    private static JsonDocument ParseData(ReadOnlyMemory<byte> body)
    {
        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            throw WebhookRejectedException.BadRequest($"malformed JSON in the CloudEvent data at line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}");
        }
    }
}
