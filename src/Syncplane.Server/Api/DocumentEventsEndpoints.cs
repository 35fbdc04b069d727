using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Syncplane.Documents;
using Syncplane.Webhooks;

namespace Syncplane.Server.Api;

/// <summary>
/// <c>POST /api/v1/webhooks/{provider}/targets/{name}</c>: a Pub/Sub push (or a CloudEvent carrying a Pub/Sub message) of a
/// Cloud Asset feed, authenticated exactly like <c>/api/v1/webhooks/{provider}</c> (the provider's token under
/// <c>webhooks:</c>), applied at once to one record of the target's document or sql table. Every outcome that should not be redelivered
/// (applied, duplicate, out of order, not synced yet, no group) answers 200, so Pub/Sub acknowledges it.
/// </summary>
internal static class DocumentEventsEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/webhooks/{provider}/targets/{name}", ReceiveAsync).AllowAnonymous().WithName("ReceiveDocumentEvent")
            .WithSummary("A Cloud Asset feed message (Pub/Sub push or CloudEvent) that patches one record of the target's document or sql table");
    }

    private static async Task<IResult> ReceiveAsync(string name, string provider, HttpContext http, ServerContext context, WebhookIntake intake, DocumentEventApplier applier, CancellationToken cancellationToken)
    {
        var target = context.Config.Targets.FirstOrDefault(t => t.Name == name);
        if (target?.Events is not { } events || !events.Sources.TryGetValue(provider, out var source))
        {
            return Problems.NotFound($"target '{name}' declares no events.{provider} in the config");
        }

        var receiver = intake.ReceiverFor(context.Config.Projects.OfTarget(name));
        var body = await WebhooksEndpoints.ReadCappedAsync(http, receiver.MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            http.Response.Headers.Connection = "close";
            return WebhooksEndpoints.Reject(StatusCodes.Status413PayloadTooLarge, $"the body is larger than webhooks.max_body ({receiver.MaxBodyBytes} bytes)");
        }

        var verdict = receiver.Receive(new WebhookRequest(
            provider,
            http.Request.Headers.Select(h => KeyValuePair.Create(h.Key, h.Value.ToString())),
            http.Request.Query.Select(q => KeyValuePair.Create(q.Key, q.Value.ToString())),
            body));
        if (verdict.Delivery is not { } delivery)
        {
            return WebhooksEndpoints.Reject(verdict.StatusCode, verdict.Reason);
        }

        try
        {
            var message = PubSubMessage.Of(body, delivery);
            if (source.Subscription is { } expected && message.Subscription != expected)
            {
                return Problems.BadRequest($"the message comes from subscription '{message.Subscription}', but events.{provider}.subscription of target '{name}' is '{expected}'");
            }

            var outcome = await applier.ApplyAsync(target, provider, message.MessageId, message.Data, CancellationToken.None);
            return Results.Ok(new
            {
                result = outcome.Result is { } r ? ResultText(r) : "ignored",
                key = outcome.Key,
                message_id = message.MessageId,
                detail = outcome.Detail,
            });
        }
        catch (InvalidDataException ex)
        {
            return Problems.BadRequest(ex.Message);
        }
        catch (JsonException)
        {
            return Problems.BadRequest("the body is not JSON");
        }
    }

    private static string ResultText(DocumentPatchResult result) => result switch
    {
        DocumentPatchResult.OutOfOrder => "out_of_order",
        DocumentPatchResult.NotSynced => "not_synced",
        _ => result.ToString().ToLowerInvariant(),
    };

    /// <summary>
    /// The Pub/Sub message in a push body (<c>{ message, subscription }</c>), in a binary-mode CloudEvent (the same body) or in
    /// a structured one (<c>{ data: { message, subscription } }</c>): its id, subscription and decoded data.
    /// </summary>
    private sealed record PubSubMessage(string? MessageId, string? Subscription, byte[] Data)
    {
        public static PubSubMessage Of(byte[] body, InboundDelivery delivery)
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            var wrapper = root.TryGetProperty("message", out _) ? root
                : root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object ? data
                : throw new InvalidDataException("the body holds no Pub/Sub message ('message', or 'data.message' in a CloudEvent)");
            if (!wrapper.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.Object
                || !message.TryGetProperty("data", out var encoded) || encoded.ValueKind != JsonValueKind.String)
            {
                throw new InvalidDataException("the Pub/Sub message has no 'data' (base64 of the TemporalAsset)");
            }

            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(encoded.GetString()!);
            }
            catch (FormatException)
            {
                throw new InvalidDataException("the Pub/Sub message's data is not base64");
            }

            var id = Text(message, "messageId") ?? Text(message, "message_id") ?? delivery.DeliveryId;
            return new PubSubMessage(id, Text(wrapper, "subscription"), bytes);
        }

        private static string? Text(JsonElement element, string name) =>
            element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }
}
