using System.Text.Json;

namespace Syncplane.Webhooks;

/// <summary>Parses a verified GitHub delivery (<c>X-GitHub-Event</c>, <c>X-GitHub-Delivery</c>, JSON body).</summary>
internal static class GitHubPayload
{
    // GitHub documents that a push payload lists at most 2,048 commits.
    private const int MaxListedCommits = 2048;

    public static InboundDelivery Parse(WebhookRequest request, DateTimeOffset now)
    {
        var eventType = request.Header("X-GitHub-Event")
            ?? throw WebhookRejectedException.BadRequest("missing X-GitHub-Event header");
        var deliveryId = request.Header("X-GitHub-Delivery")
            ?? throw WebhookRejectedException.BadRequest("missing X-GitHub-Delivery header");
        if (request.Header("Content-Type") is { } type && type.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            throw WebhookRejectedException.BadRequest("GitHub sent form-encoded content; set the webhook's content type to application/json");
        }

        var body = JsonPayload.ParseObject(request.Body, "the GitHub payload");
        var repository = body.StringAt("repository.full_name");
        if (eventType == "ping")
        {
            return new InboundDelivery
            {
                Provider = WebhookProviders.GitHub,
                DeliveryId = deliveryId,
                EventType = eventType,
                Repository = repository,
                IsPing = true,
                ReceivedAt = now,
                Summary = $"github ping for {JsonPayload.Short(repository ?? "an organization or app")}",
            };
        }

        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (body.String("action") is { } action)
        {
            attributes["action"] = action;
        }

        if (eventType != "push")
        {
            // Other events are accepted and recorded; pull requests name their base branch so a matcher can filter on it.
            return new InboundDelivery
            {
                Provider = WebhookProviders.GitHub,
                DeliveryId = deliveryId,
                EventType = eventType,
                Repository = repository,
                Branch = body.StringAt("pull_request.base.ref"),
                Attributes = attributes,
                ReceivedAt = now,
                Summary = JsonPayload.Short($"github {eventType}{(attributes.TryGetValue("action", out var a) ? " " + a : "")} {repository}", 200),
            };
        }

        var (branch, tag) = GitRef.Split(body.String("ref"));
        var commits = body.Array("commits").ToList();
        var paths = GitRef.ChangedPaths(body.Property("head_commit") is { } head ? commits.Append(head) : commits);
        var deleted = body.Property("deleted") is { ValueKind: JsonValueKind.True };
        var what = deleted ? "deleted" : JsonPayload.Count(paths.Count, "changed path");
        return new InboundDelivery
        {
            Provider = WebhookProviders.GitHub,
            DeliveryId = deliveryId,
            EventType = eventType,
            Repository = repository,
            Branch = branch,
            Tag = tag,
            ChangedPaths = paths,
            PathsComplete = commits.Count < MaxListedCommits,
            Attributes = attributes,
            ReceivedAt = now,
            Summary = JsonPayload.Short($"github push {repository} {GitRef.Describe(branch, tag)}: {what}", 200),
        };
    }
}
