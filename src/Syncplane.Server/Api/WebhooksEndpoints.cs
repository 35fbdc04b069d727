using System.Buffers;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Syncplane.Telemetry;
using Syncplane.Webhooks;

namespace Syncplane.Server.Api;

/// <summary>
/// <c>POST /api/v1/webhooks/{provider}</c>: inbound triggers, authenticated by the provider's signature or
/// token (no API token). Answers at once; the runs it queues happen after the response.
/// </summary>
/// <remarks>The query string may carry a token (Pub/Sub push): nothing here logs or records it.</remarks>
internal static class WebhooksEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/webhooks/{provider}", ReceiveAsync).AllowAnonymous().WithName("ReceiveWebhook")
            .WithSummary("Inbound delivery from github, gitlab, pubsub, cloudevents or generic; 202 with the runs it queued");
        api.MapPost("/projects/{project}/webhooks/{provider}", ReceiveForProjectAsync).AllowAnonymous().WithName("ReceiveProjectWebhook")
            .WithSummary("The same inbound delivery, matched against the targets of one project only (see docs/projects.md)");
    }

    private static Task<IResult> ReceiveAsync(string provider, HttpContext http, WebhookIntake intake, CancellationToken cancellationToken) =>
        ReceiveDeliveryAsync(provider, null, http, intake, cancellationToken);

    private static Task<IResult> ReceiveForProjectAsync(string project, string provider, HttpContext http, WebhookIntake intake, CancellationToken cancellationToken) =>
        ReceiveDeliveryAsync(provider, project, http, intake, cancellationToken);

    private static async Task<IResult> ReceiveDeliveryAsync(string provider, string? project, HttpContext http, WebhookIntake intake, CancellationToken cancellationToken)
    {
        var started = Syncplane.Telemetry.StageTimes.Start();
        using var span = SyncplaneTracing.Source.StartActivity(SyncplaneTracing.WebhookSpan, ActivityKind.Server);
        span?.SetTag("syncplane.webhook.provider", provider);
        var response = await HandleAsync(provider, project, http, intake, span, cancellationToken);
        Syncplane.Telemetry.StageTimes.Since("webhook.handler", started);
        if (response is IStatusCodeHttpResult { StatusCode: >= 400 } rejected)
        {
            span?.SetStatus(ActivityStatusCode.Error, $"rejected with {rejected.StatusCode}");
        }

        return response;
    }

    private static async Task<IResult> HandleAsync(string provider, string? project, HttpContext http, WebhookIntake intake, Activity? span, CancellationToken cancellationToken)
    {
        var receiver = intake.ReceiverFor(project);
        var body = await ReadCappedAsync(http, receiver.MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            http.Response.Headers.Connection = "close"; // the rest of the body is not read
            return Reject(StatusCodes.Status413PayloadTooLarge, $"the body is larger than webhooks.max_body ({receiver.MaxBodyBytes} bytes)");
        }

        var request = new WebhookRequest(
            provider,
            http.Request.Headers.Select(h => KeyValuePair.Create(h.Key, h.Value.ToString())),
            http.Request.Query.Select(q => KeyValuePair.Create(q.Key, q.Value.ToString())),
            body);
        var verdict = receiver.Receive(request);
        if (verdict.Delivery is not { } delivery)
        {
            return Reject(verdict.StatusCode, verdict.Reason);
        }

        // Checked once the delivery is authenticated, so an anonymous caller learns nothing about which projects exist.
        if (project is not null && !intake.HasProject(project))
        {
            return Reject(StatusCodes.Status404NotFound, $"no project named '{project}' is declared in the config");
        }

        span?.SetTag("syncplane.webhook.event", delivery.EventType).SetTag("syncplane.webhook.delivery_id", delivery.DeliveryId);
        if (delivery.IsPing)
        {
            return Results.Ok(new { ok = true, ping = true });
        }

        if (!intake.TryEnter())
        {
            span?.SetTag("syncplane.webhook.shed", true);
            http.Response.Headers.RetryAfter = WebhookIntake.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Reject(StatusCodes.Status503ServiceUnavailable,
                $"too many deliveries are waiting for the store (webhooks.max_pending); nothing was recorded, send it again after {WebhookIntake.RetryAfterSeconds} s");
        }

        IntakeResult? result;
        try
        {
            result = await intake.AcceptAsync(delivery, SyncplaneTracing.TraceParentOf(span), project, cancellationToken);
        }
        finally
        {
            intake.Leave();
        }

        if (result is null)
        {
            span?.SetTag("syncplane.webhook.duplicate", true);
            return Results.Ok(new { duplicate = true, delivery_id = delivery.DeliveryId });
        }

        span?.SetTag("syncplane.webhook.matched", result.Matched.Count)
            .SetTag("syncplane.webhook.run_ids", result.Runs.Select(r => r.RunId).ToArray());

        return Results.Json(
            new
            {
                delivery_id = result.DeliveryId,
                matched = result.Matched,
                runs = result.Runs.Select(r => new { target = r.Target, run_id = r.RunId, coalesced = r.Coalesced }),
            },
            statusCode: StatusCodes.Status202Accepted);
    }

    internal static IResult Reject(int status, string reason) => Results.Problem(reason, statusCode: status, title: status switch
    {
        StatusCodes.Status400BadRequest => "Bad Request",
        StatusCodes.Status401Unauthorized => "Unauthorized",
        StatusCodes.Status404NotFound => "Not Found",
        StatusCodes.Status413PayloadTooLarge => "Payload Too Large",
        StatusCodes.Status503ServiceUnavailable => "Service Unavailable",
        _ => "Rejected",
    });

    /// <summary>The body, or null as soon as it passes <paramref name="limit"/> bytes (whatever Content-Length said).</summary>
    internal static async Task<byte[]?> ReadCappedAsync(HttpContext http, long limit, CancellationToken cancellationToken)
    {
        if (http.Request.ContentLength > limit)
        {
            return null;
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = limit + 1; // webhooks.max_body rules here, not the API's general limit
        }

        // Sized for the body its Content-Length announces, plus the byte that shows it ended there: one allocation, and the copy.
        var buffer = new ArrayBufferWriter<byte>((int)Math.Min((http.Request.ContentLength ?? 16 * 1024) + 1, limit + 1));
        var stream = http.Request.Body;
        try
        {
            while (true)
            {
                var memory = buffer.GetMemory(1); // the room left, grown only once it is full
                var read = await stream.ReadAsync(memory, cancellationToken);
                if (read == 0)
                {
                    return buffer.WrittenSpan.ToArray();
                }

                buffer.Advance(read);
                if (buffer.WrittenCount > limit)
                {
                    return null;
                }
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
    }
}
