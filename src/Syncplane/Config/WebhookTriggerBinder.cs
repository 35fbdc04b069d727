using Syncplane.Webhooks;

namespace Syncplane.Config;

/// <summary>
/// Binds a target's <c>trigger.webhook</c>: provider → one matcher mapping, or a list of them, as in
/// <c>webhook: { github: { repository: acme/lz, branch: main, paths: [docs/**] } }</c>.
/// </summary>
internal static class WebhookTriggerBinder
{
    private static readonly Dictionary<string, string[]> KeysByProvider = new(StringComparer.Ordinal)
    {
        [WebhookProviders.GitHub] = ["repository", "branch", "tag", "paths", "events"],
        [WebhookProviders.GitLab] = ["project", "branch", "tag", "paths", "events"],
        [WebhookProviders.PubSub] = ["subscription", "attributes"],
        [WebhookProviders.CloudEvents] = ["type", "source", "subject", "attributes"],
        [WebhookProviders.Generic] = ["event", "fields"],
    };

    /// <summary>The matchers under <c>trigger.webhook</c>; empty when there is none (the trigger itself is checked by the caller).</summary>
    public static IReadOnlyList<WebhookTrigger> Bind(ConfigNode? trigger, ConfigReader reader)
    {
        if (trigger is not { Kind: ConfigNodeKind.Mapping } || trigger["webhook"] is not { IsNull: false } webhook
            || !reader.Mapping(webhook, "trigger.webhook", [.. WebhookProviders.All]))
        {
            return [];
        }

        if (webhook.Entries.Count == 0)
        {
            reader.Error(webhook, $"trigger.webhook names no provider; add one of: {string.Join(", ", WebhookProviders.All)}");
        }

        var result = new List<WebhookTrigger>();
        foreach (var (key, value) in webhook.Entries)
        {
            if (key.Value is not { } provider || !KeysByProvider.ContainsKey(provider))
            {
                continue; // reported by Mapping
            }

            IEnumerable<ConfigNode> matchers = value.Kind == ConfigNodeKind.Sequence ? value.Items : [value];
            foreach (var matcher in matchers)
            {
                if (One(provider, matcher, reader) is { } bound)
                {
                    result.Add(bound);
                }
            }
        }

        return result;
    }

    private static WebhookTrigger? One(string provider, ConfigNode node, ConfigReader reader)
    {
        var what = $"trigger.webhook.{provider}";
        if (node.IsNull)
        {
            return new WebhookTrigger { Provider = provider, Node = node }; // 'github:' alone: every push the secret lets in
        }

        if (!reader.Mapping(node, what, KeysByProvider[provider]))
        {
            return null;
        }

        var branch = reader.Text(node, "branch");
        var tag = reader.Text(node, "tag");
        if (branch is not null && tag is not null)
        {
            reader.Error(node["tag"]!, $"{what} sets both 'branch' and 'tag'; a push is to one or the other, so use two matchers");
        }

        var events = provider switch
        {
            WebhookProviders.CloudEvents => reader.StringList(node, "type"),
            WebhookProviders.Generic => reader.StringList(node, "event"),
            _ => reader.StringList(node, "events"),
        };
        return new WebhookTrigger
        {
            Provider = provider,
            Repository = reader.Text(node, "repository") ?? reader.Text(node, "project") ?? reader.Text(node, "subscription") ?? reader.Text(node, "source"),
            Branch = branch,
            Tag = tag,
            Paths = reader.Globs(node, "paths"),
            Events = events,
            Subject = reader.Text(node, "subject"),
            Attributes = reader.StringMap(node, provider == WebhookProviders.Generic ? "fields" : "attributes"),
            Node = node,
        };
    }
}
