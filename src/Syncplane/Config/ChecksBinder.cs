using System.Text.RegularExpressions;
using Syncplane.Checks;

namespace Syncplane.Config;

/// <summary>
/// Binds the top-level <c>checks:</c> section. A check is a mapping with exactly one kind key; the kind's
/// value is either its main argument (<c>http: "https://…"</c>, <c>git: "."</c>) or a mapping of its options,
/// and options may also sit next to the kind key (<c>{ git: ".", remote: origin }</c>).
/// </summary>
internal sealed partial class ChecksBinder(ConfigReader reader, string baseDirectory)
{
    /// <summary>The one key of <c>checks:</c> that is not a check.</summary>
    public const string StatusFileKey = "status_file";

    private static readonly string[] CommonKeys = ["timeout", "degraded_after", "cache_ttl", "interval", "section", "display_name", "description"];

    public ChecksConfig Bind(ConfigNode? node)
    {
        if (node is null || node.IsNull)
        {
            return new ChecksConfig();
        }

        if (node.Kind != ConfigNodeKind.Mapping)
        {
            reader.Error(node, $"'checks' must be a mapping of check names to checks, such as checks: {{ github-api: {{ http: \"https://api.github.com\" }} }}; found {node.Describe()}");
            return new ChecksConfig();
        }

        var items = new List<CheckConfig>();
        foreach (var (key, value) in node.Entries)
        {
            var name = key.Value ?? "";
            if (name == StatusFileKey)
            {
                continue;
            }

            if (!NameRegex().IsMatch(name))
            {
                reader.Error(key, $"check name '{name}' may only contain letters, digits, '_', '-' and '.', and must start with a letter or digit");
                continue;
            }

            if (Bind(name, value) is { } check)
            {
                items.Add(check);
            }
        }

        var statusFile = reader.Text(node, StatusFileKey);
        return new ChecksConfig { Items = items, StatusFile = statusFile is null ? null : Path.GetFullPath(statusFile, baseDirectory) };
    }

    /// <summary>Reports every <c>requires:</c> entry of a target that names no check, at its position.</summary>
    public static void ValidateRequires(IReadOnlyList<TargetConfig> targets, ChecksConfig checks, ConfigReader reader)
    {
        foreach (var target in targets)
        {
            if (target.Node?["requires"] is not { } list)
            {
                continue;
            }

            for (var i = 0; i < target.Requires.Count; i++)
            {
                if (checks.Find(target.Requires[i]) is null)
                {
                    var at = list.Kind == ConfigNodeKind.Sequence ? list.Items[i] : list;
                    var known = checks.Items.Count == 0 ? "the file declares no checks" : "known checks: " + string.Join(", ", checks.Items.Select(c => c.Name));
                    reader.Error(at, $"target '{target.Name}' requires '{target.Requires[i]}', which is not a check under 'checks:'; {known}");
                }
            }
        }
    }

    private CheckConfig? Bind(string name, ConfigNode node)
    {
        var what = $"check '{name}'";
        if (node.Kind != ConfigNodeKind.Mapping)
        {
            reader.Error(node, $"{what} must be a mapping such as {{ http: \"https://example.com\" }}, found {node.Describe()}");
            return null;
        }

        var kinds = node.Entries.Where(e => CheckKinds.All.Contains(e.Key.Value)).ToList();
        if (kinds.Count != 1)
        {
            reader.Error(kinds.Count > 1 ? kinds[1].Key : node, $"{what} must name exactly one kind: {string.Join(", ", CheckKinds.All)}");
            return null;
        }

        var (kindKey, kindValue) = kinds[0];
        var kind = kindKey.Value!;
        var options = Merge(node, kindKey, kindValue, MainKey(kind));
        if (!reader.Mapping(options, what, [.. CommonKeys, .. KindKeys(kind)]))
        {
            return null;
        }

        var bound = BindOptions(kind, name, options);
        var section = reader.Text(options, "section");
        var displayName = reader.Text(options, "display_name");
        if (displayName is not null && string.IsNullOrWhiteSpace(displayName))
        {
            reader.Error(options["display_name"]!, $"{what}: 'display_name' must not be empty; leave it out to show the check's name");
        }

        var timeout = reader.Duration(options, "timeout") ?? CheckConfig.DefaultTimeout;
        var degradedAfter = reader.Duration(options, "degraded_after");
        var cacheTtl = reader.Duration(options, "cache_ttl") ?? CheckConfig.DefaultCacheTtl;
        var interval = reader.Duration(options, "interval") ?? CheckConfig.DefaultInterval;
        if (interval < CheckConfig.MinimumInterval)
        {
            reader.Error(options["interval"]!, $"'interval' must be at least {DurationParser.Format(CheckConfig.MinimumInterval)}, found {DurationParser.Format(interval)}");
        }
        return bound is null ? null : new CheckConfig
        {
            Name = name,
            Kind = kind,
            Options = bound,
            Node = node,
            Section = section,
            DisplayName = string.IsNullOrWhiteSpace(displayName) ? null : displayName,
            Timeout = timeout,
            DegradedAfter = degradedAfter,
            CacheTtl = cacheTtl,
            Interval = interval,
        };
    }

    // One mapping of every option, each node keeping its own position: the kind's scalar becomes its main key.
    private static ConfigNode Merge(ConfigNode check, ConfigNode kindKey, ConfigNode kindValue, string mainKey)
    {
        var entries = new List<KeyValuePair<ConfigNode, ConfigNode>>();
        if (kindValue.Kind == ConfigNodeKind.Mapping)
        {
            entries.AddRange(kindValue.Entries);
        }
        else if (!kindValue.IsNull)
        {
            var key = new ConfigNode { File = kindKey.File, Line = kindKey.Line, Column = kindKey.Column, Kind = ConfigNodeKind.Scalar, Value = mainKey };
            entries.Add(new(key, kindValue));
        }

        entries.AddRange(check.Entries.Where(e => e.Key != kindKey));
        return new ConfigNode { File = check.File, Line = check.Line, Column = check.Column, Kind = ConfigNodeKind.Mapping, Entries = entries };
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")]
    private static partial Regex NameRegex();
}
