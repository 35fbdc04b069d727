namespace Syncplane.Webhooks;

/// <summary>A <see cref="WebhookTrigger"/> with its patterns compiled, and the target it belongs to.</summary>
internal sealed class CompiledTrigger
{
    private static readonly string[] GitHubPushes = ["push"];
    private static readonly string[] GitLabPushes = ["push", "tag_push"];

    private readonly WildcardPattern? _repository;
    private readonly WildcardPattern? _branch;
    private readonly WildcardPattern? _tag;
    private readonly WildcardPattern? _subject;
    private readonly WildcardPattern[] _events;

    public CompiledTrigger(int order, string targetName, WebhookTrigger trigger)
    {
        Order = order;
        TargetName = targetName;
        Trigger = trigger;
        _repository = trigger.Repository is { } r ? new WildcardPattern(r, ignoreCase: true) : null;
        _branch = trigger.Branch is { } b ? new WildcardPattern(b, ignoreCase: false) : null;
        _tag = trigger.Tag is { } t ? new WildcardPattern(t, ignoreCase: false) : null;
        _subject = trigger.Subject is { } s ? new WildcardPattern(s, ignoreCase: false) : null;

        // A git matcher without events reacts to pushes only: a pull-request comment should not start a sync.
        // GitLab reports tag pushes as their own kind; GitHub's are ordinary push events.
        var events = trigger.Events.Count > 0 ? trigger.Events : trigger.Provider switch
        {
            WebhookProviders.GitHub => GitHubPushes,
            WebhookProviders.GitLab => GitLabPushes,
            _ => [],
        };
        _events = [.. events.Select(e => new WildcardPattern(e, ignoreCase: false))];
    }

    public int Order { get; }

    public string TargetName { get; }

    public WebhookTrigger Trigger { get; }

    public bool RepositoryHasWildcard => _repository?.HasWildcard ?? false;

    public bool IsMatch(InboundDelivery delivery)
    {
        if (_events.Length > 0 && !_events.Any(e => e.IsMatch(delivery.EventType)))
        {
            return false;
        }

        if ((_repository is not null && !_repository.IsMatch(delivery.Repository))
            || (_subject is not null && !_subject.IsMatch(delivery.Subject))
            || (_branch is not null && !_branch.IsMatch(delivery.Branch))
            || (_tag is not null && !_tag.IsMatch(delivery.Tag)))
        {
            return false;
        }

        foreach (var (name, value) in Trigger.Attributes)
        {
            if (!delivery.Attributes.TryGetValue(name, out var actual) || actual != value)
            {
                return false;
            }
        }

        return PathsMatch(delivery);
    }

    private bool PathsMatch(InboundDelivery delivery)
    {
        var globs = Trigger.Paths;
        if (globs.Count == 0 || !delivery.PathsComplete)
        {
            return true; // an incomplete path list might hide a match; an extra run writes nothing if nothing changed
        }

        foreach (var path in delivery.ChangedPaths)
        {
            foreach (var glob in globs)
            {
                if (glob.IsMatch(path))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
