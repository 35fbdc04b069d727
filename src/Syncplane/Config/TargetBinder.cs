using System.Text.RegularExpressions;
using Syncplane.Connectors;
using Syncplane.Scheduling;

namespace Syncplane.Config;

internal sealed partial class TargetBinder(ConnectorRegistry connectors, ConfigReader reader, DefaultsConfig defaults, string baseDirectory)
{
    private static readonly string[] TargetKeys =
    [
        "description", "direction", "source", "destination", "entrypoint", "config", "env", "pass_env", "working_dir",
        "inputs", "outputs", "schedule", "frequency", "trigger", "timezone", "verification", "safety",
        "git_commit", "conflicts", "timeout", "retry", "rate_limit", "depends_on", "windows", "pause_after_failures", "jitter", "requires",
        "events", "layer",
    ];

    // Schedules are immutable: targets that write the same schedule in the same zone share one (100,000 targets on a
    // few dozen cron lines parse each line once and hold one expression per line).
    private readonly Dictionary<(string Text, TimeZoneInfo? Zone), Schedule> _schedules = [];

    public List<TargetConfig> BindAll(ConfigNode? targets, ConfigNode root)
    {
        var result = new List<TargetConfig>();
        if (targets is null || targets.IsNull)
        {
            // A file of environment checks only (the Infinity Sync use) needs no target.
            if (root["checks"] is not { IsNull: false })
            {
                reader.Error(root, "missing required key 'targets'; declare at least one target, or checks under 'checks:'");
            }

            return result;
        }

        // Any name may be a key here (the name rules are checked below); checking keys against the list of
        // keys themselves, as reader.Mapping would, is quadratic in the number of targets.
        if (!reader.IsMapping(targets, "targets"))
        {
            return result;
        }

        foreach (var (key, node) in targets.Entries)
        {
            var name = key.Value ?? "";
            if (!TargetNameRegex().IsMatch(name))
            {
                reader.Error(key, $"target name '{name}' may only contain letters, digits, '_', '-' and '.', and must start with a letter or digit");
                continue;
            }

            if (Bind(name, node) is { } target)
            {
                result.Add(target);
            }
        }

        return result;
    }

    private TargetConfig? Bind(string name, ConfigNode node)
    {
        if (!reader.Mapping(node, $"target '{name}'", TargetKeys))
        {
            return null;
        }

        var source = Connector(node, "source", name);
        var destination = Connector(node, "destination", name);
        var entrypoint = reader.Text(node, "entrypoint");
        if (entrypoint is not null && (source is not null || destination is not null))
        {
            reader.Error(node["entrypoint"]!, $"target '{name}' has an 'entrypoint' and a source/destination; use one or the other");
        }
        else if (entrypoint is null && (source is null || destination is null) && (node["source"] is null) != (node["destination"] is null))
        {
            reader.Error(node, $"target '{name}' needs both 'source' and 'destination'");
        }
        else if (entrypoint is null && node["source"] is null && node["destination"] is null)
        {
            reader.Error(node, $"target '{name}' needs either an 'entrypoint' or a 'source' and a 'destination'");
        }

        if (destination is not null && source is not null && connectors.Find(destination.Type) is IRecordDestinationFactory && connectors.Find(source.Type) is not IRecordSourceFactory)
        {
            reader.Error(node["destination"]!, $"the {destination.Type} destination stores records; its source must be one that reads records (http, gcp_assets), not {source.Type}");
        }

        var config = reader.StringMap(node, "config");
        var env = reader.StringMap(node, "env");
        CheckSecretSyntax(node["config"], config);
        CheckSecretSyntax(node["env"], env);

        var target = new TargetConfig
        {
            Name = name,
            Node = node,
            Description = reader.Text(node, "description"),
            Direction = DefaultsBinder.Direction(node, reader) ?? defaults.Direction,
            Source = source,
            Destination = destination,
            Entrypoint = entrypoint,
            Config = config,
            Env = env,
            PassEnv = reader.Globs(node, "pass_env"),
            WorkingDirectory = reader.Text(node, "working_dir") is { } wd ? Path.GetFullPath(wd, baseDirectory) : null,
            Inputs = reader.Globs(node, "inputs"),
            Outputs = reader.Globs(node, "outputs"),
            Schedule = ScheduleOf(node),
            Verification = Verification(node["verification"]),
            MaxDelete = MaxDelete(node["safety"]),
            GitCommit = GitCommit(node),
            Timeout = reader.Duration(node, "timeout") ?? defaults.Timeout,
            Retry = DefaultsBinder.Retry(node["retry"], reader) ?? defaults.Retry,
            Webhooks = WebhookTriggerBinder.Bind(node["trigger"], reader),
            Requires = reader.StringList(node, "requires"),
            Events = Documents.DocumentEventsBinder.Bind(node, destination, reader),
            Layer = reader.Text(node, "layer"),
        };
        target = WithPolicies(WithTwoWay(target, node), node);
        CheckWatch(name, node, target);
        return target;
    }

    private ConnectorConfig? Connector(ConfigNode target, string role, string name)
    {
        var node = target[role];
        if (node is null || node.IsNull)
        {
            return null;
        }

        if (node.Kind != ConfigNodeKind.Mapping || node.Entries.Count != 1)
        {
            reader.Error(node, $"'{role}' of target '{name}' must name exactly one connector, as in {role}: {{ directory: {{ path: ... }} }}; known connectors: {string.Join(", ", connectors.Types)}");
            return null;
        }

        var (typeNode, options) = node.Entries[0];
        var type = typeNode.Value ?? "";
        var factory = connectors.Find(type);
        if (factory is null)
        {
            reader.Error(typeNode, $"unknown connector '{type}'; known connectors: {string.Join(", ", connectors.Types)}");
            return null;
        }

        if (role == "source" ? !factory.CanBeSource : !factory.CanBeDestination)
        {
            reader.Error(typeNode, $"connector '{type}' cannot be a {role}");
            return null;
        }

        var bound = factory.Bind(options, reader);
        return bound is null ? null : new ConnectorConfig(factory.Type, bound, options);
    }

    private Schedule ScheduleOf(ConfigNode node)
    {
        var zoneName = reader.Text(node, "timezone");
        TimeZoneInfo? zone = null;
        if (zoneName is not null && !TimeZoneInfo.TryFindSystemTimeZoneById(zoneName, out zone))
        {
            reader.Error(node["timezone"]!, $"unknown time zone '{zoneName}'; use an IANA name such as Europe/Berlin or UTC");
        }

        var candidates = new List<(ConfigNode At, string Text)>();
        foreach (var key in new[] { "schedule", "frequency" })
        {
            if (reader.Text(node, key) is { } text)
            {
                candidates.Add((node[key]!, text));
            }
        }

        if (node["trigger"] is { IsNull: false } trigger && reader.Mapping(trigger, "trigger", "every", "cron", "webhook"))
        {
            if (reader.Duration(trigger, "every") is not null)
            {
                candidates.Add((trigger["every"]!, "every " + trigger["every"]!.Value));
            }

            if (reader.Text(trigger, "cron") is { } cron)
            {
                candidates.Add((trigger["cron"]!, cron));
            }
        }

        if (candidates.Count == 0)
        {
            return Schedule.Manual;
        }

        if (candidates.Count > 1)
        {
            reader.Error(candidates[1].At, "set only one of schedule, frequency, trigger.every and trigger.cron");
        }

        var (at, value) = candidates[0];
        if (_schedules.TryGetValue((value, zone), out var shared))
        {
            return shared;
        }

        if (Schedule.TryParse(value, zone, out var schedule, out var error))
        {
            _schedules[(value, zone)] = schedule;
            return schedule;
        }

        reader.Error(at, $"invalid schedule '{value}': {error}; expected a 5-field cron expression, 'every <duration>' or one of manual, realtime, 5min, 10min, 30min, hourly, daily");
        return Schedule.Manual;
    }

    private VerificationConfig? Verification(ConfigNode? node)
    {
        if (node is null || node.IsNull || !reader.Mapping(node, "verification", "command", "expected_min", "expected_exit_code"))
        {
            return null;
        }

        var command = reader.Text(node, "command", required: true);
        var min = reader.WholeNumber(node, "expected_min");
        var exit = reader.WholeNumber(node, "expected_exit_code", min: 0);
        return command is null ? null : new VerificationConfig(command, min, exit is null ? null : (int)exit);
    }

    private MaxDelete? MaxDelete(ConfigNode? node)
    {
        if (node is null || node.IsNull || !reader.Mapping(node, "target safety", "max_delete"))
        {
            return null;
        }

        var value = reader.Text(node, "max_delete");
        if (value is null)
        {
            return null;
        }

        if (value.EndsWith('%') && double.TryParse(value[..^1], System.Globalization.CultureInfo.InvariantCulture, out var percent) && percent is >= 0 and <= 100)
        {
            return new MaxDelete(null, percent);
        }

        if (long.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var count) && count >= 0)
        {
            return new MaxDelete(count, null);
        }

        reader.Error(node["max_delete"]!, $"max_delete must be a count such as 50 or a percentage such as 10%, found '{value}'");
        return null;
    }

    private GitCommitConfig? GitCommit(ConfigNode node)
    {
        var value = node["git_commit"];
        if (value is null || value.IsNull)
        {
            return defaults.GitCommit ? new GitCommitConfig() : null;
        }

        if (value.Kind == ConfigNodeKind.Scalar)
        {
            return reader.Bool(node, "git_commit") == true ? new GitCommitConfig() : null;
        }

        if (!reader.Mapping(value, "git_commit", "message", "author_name", "author_email", "push", "remote", "branch"))
        {
            return null;
        }

        var d = new GitCommitConfig();
        return new GitCommitConfig
        {
            Message = reader.Text(value, "message") ?? d.Message,
            AuthorName = reader.Text(value, "author_name") ?? d.AuthorName,
            AuthorEmail = reader.Text(value, "author_email") ?? d.AuthorEmail,
            Push = reader.Bool(value, "push") ?? false,
            Remote = reader.Text(value, "remote"),
            Branch = reader.Text(value, "branch"),
        };
    }

    private void CheckSecretSyntax(ConfigNode? map, IReadOnlyDictionary<string, string> values)
    {
        foreach (var (key, value) in values)
        {
            if (SecretResolver.SyntaxError(value) is { } error)
            {
                reader.Error(map![key]!, error);
            }
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")]
    private static partial Regex TargetNameRegex();
}
