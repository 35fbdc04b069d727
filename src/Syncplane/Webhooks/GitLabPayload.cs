using System.Text.Json;

namespace Syncplane.Webhooks;

/// <summary>Parses a verified GitLab delivery (<c>X-Gitlab-Event</c>, JSON body with <c>object_kind</c>).</summary>
internal static class GitLabPayload
{
    public static InboundDelivery Parse(WebhookRequest request, DateTimeOffset now)
    {
        var header = request.Header("X-Gitlab-Event")
            ?? throw WebhookRejectedException.BadRequest("missing X-Gitlab-Event header");
        var body = JsonPayload.ParseObject(request.Body, "the GitLab payload");

        // object_kind is push / tag_push / merge_request …; the header ("Push Hook") is the fallback.
        var eventType = body.String("object_kind")
            ?? header.Replace(" Hook", "", StringComparison.Ordinal).Replace(' ', '_').ToLowerInvariant();
        var project = body.StringAt("project.path_with_namespace");
        var (branch, tag) = GitRef.Split(body.String("ref"));
        var commits = body.Array("commits").ToList();
        var paths = GitRef.ChangedPaths(commits);

        // GitLab lists at most 20 commits and says how many there were in total_commits_count.
        var total = body.Property("total_commits_count") is { ValueKind: JsonValueKind.Number } count && count.TryGetInt32(out var n) ? n : commits.Count;
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (body.StringAt("object_attributes.action") is { } action)
        {
            attributes["action"] = action;
        }

        return new InboundDelivery
        {
            Provider = WebhookProviders.GitLab,
            DeliveryId = request.Header("Idempotency-Key") ?? request.Header("X-Gitlab-Event-UUID"),
            EventType = eventType,
            Repository = project,
            Branch = branch,
            Tag = tag,
            ChangedPaths = paths,
            PathsComplete = total <= commits.Count,
            Attributes = attributes,
            ReceivedAt = now,
            Summary = JsonPayload.Short($"gitlab {eventType} {project} {GitRef.Describe(branch, tag)}: {JsonPayload.Count(paths.Count, "changed path")}", 200),
        };
    }
}
