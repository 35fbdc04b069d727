namespace Syncplane.Webhooks;

/// <summary>The provider names used in the URL (<c>/api/v1/webhooks/{provider}</c>) and in the config.</summary>
public static class WebhookProviders
{
    public const string GitHub = "github";

    public const string GitLab = "gitlab";

    public const string PubSub = "pubsub";

    public const string CloudEvents = "cloudevents";

    public const string Generic = "generic";

    public static IReadOnlyList<string> All { get; } = [GitHub, GitLab, PubSub, CloudEvents, Generic];

    public static bool IsKnown(string name) => All.Contains(name, StringComparer.Ordinal);
}
