namespace Syncplane.Config;

internal static class DefaultsBinder
{
    public static DefaultsConfig Bind(ConfigNode? node, ConfigReader reader)
    {
        var defaults = new DefaultsConfig();
        if (node is null || node.IsNull || !reader.Mapping(node, "defaults", "direction", "dry_run", "fail_on_diff", "idempotent", "git_commit", "verify", "timeout", "retry", "pause_after_failures", "jitter"))
        {
            return defaults;
        }

        return new DefaultsConfig
        {
            Direction = Direction(node, reader) ?? defaults.Direction,
            DryRun = reader.Bool(node, "dry_run") ?? defaults.DryRun,
            FailOnDiff = reader.Bool(node, "fail_on_diff") ?? defaults.FailOnDiff,
            Idempotent = reader.Bool(node, "idempotent") ?? defaults.Idempotent,
            GitCommit = reader.Bool(node, "git_commit") ?? defaults.GitCommit,
            Verify = reader.Bool(node, "verify") ?? defaults.Verify,
            Timeout = reader.Duration(node, "timeout") ?? defaults.Timeout,
            Retry = Retry(node["retry"], reader) ?? defaults.Retry,
            PauseAfterFailures = PolicyBinder.PauseAfterFailures(node, reader),
            Jitter = PolicyBinder.Jitter(node, reader),
        };
    }

    public static SyncDirection? Direction(ConfigNode map, ConfigReader reader)
    {
        var text = reader.Text(map, "direction");
        switch (text)
        {
            case null:
                return null;
            case "pull":
                return SyncDirection.Pull;
            case "push":
                return SyncDirection.Push;
            case "bidirectional":
                return SyncDirection.Bidirectional;
            default:
                reader.Error(map["direction"]!, $"direction must be pull, push or bidirectional, found '{text}'");
                return null;
        }
    }

    public static RetryPolicy? Retry(ConfigNode? node, ConfigReader reader)
    {
        if (node is null || node.IsNull || !reader.Mapping(node, "retry", "attempts", "backoff"))
        {
            return null;
        }

        var attempts = (int)(reader.WholeNumber(node, "attempts", min: 1) ?? RetryPolicy.Default.Attempts);
        var backoff = new List<TimeSpan>();
        var texts = reader.StringList(node, "backoff");
        foreach (var text in texts)
        {
            if (DurationParser.TryParse(text, out var delay))
            {
                backoff.Add(delay);
            }
            else
            {
                reader.Error(node["backoff"]!, $"backoff entry '{text}' is not a duration such as 5s, 30s or 5m");
            }
        }

        return new RetryPolicy(attempts, backoff.Count > 0 ? backoff : RetryPolicy.Default.Backoff);
    }
}
