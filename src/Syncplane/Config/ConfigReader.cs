using System.Collections.ObjectModel;
using System.Globalization;
using Syncplane.Planning;

namespace Syncplane.Config;

/// <summary>
/// Reads typed values out of <see cref="ConfigNode"/>s and collects every problem with its position,
/// so one <c>syncplane validate</c> reports all errors at once. Getters return null/defaults on error.
/// </summary>
public sealed class ConfigReader
{
    private readonly List<ConfigError> _errors = [];

    public IReadOnlyList<ConfigError> Errors => _errors;

    public bool HasErrors => _errors.Count > 0;

    public void Error(ConfigNode node, string message) => _errors.Add(node.Error(message));

    /// <summary>Checks that <paramref name="node"/> is a mapping whose keys are all in <paramref name="allowedKeys"/>.</summary>
    public bool Mapping(ConfigNode node, string what, params string[] allowedKeys)
    {
        if (!IsMapping(node, what))
        {
            return false;
        }

        foreach (var (key, _) in node.Entries)
        {
            if (key.Value is null || Array.IndexOf(allowedKeys, key.Value) < 0)
            {
                Error(key, $"unknown key '{key.Value}' in {what}; expected one of: {string.Join(", ", allowedKeys)}");
            }
        }

        return true;
    }

    /// <summary>Checks that <paramref name="node"/> is a mapping, whatever its keys (a map of user-chosen names such as <c>targets</c>).</summary>
    public bool IsMapping(ConfigNode node, string what)
    {
        if (node.Kind != ConfigNodeKind.Mapping)
        {
            Error(node, $"{what} must be a mapping, found {node.Describe()}");
            return false;
        }

        return true;
    }

    public string? Text(ConfigNode map, string key, bool required = false)
    {
        var node = map[key];
        if (node is null || node.IsNull)
        {
            if (required)
            {
                Error(map, $"missing required key '{key}'");
            }

            return null;
        }

        if (node.Kind != ConfigNodeKind.Scalar)
        {
            Error(node, $"'{key}' must be a string, found {node.Describe()}");
            return null;
        }

        return node.Value;
    }

    public bool? Bool(ConfigNode map, string key)
    {
        var node = map[key];
        if (node is null || node.IsNull)
        {
            return null;
        }

        if (node.Kind == ConfigNodeKind.Scalar && !node.Quoted && node.Value is "true" or "false")
        {
            return node.Value == "true";
        }

        Error(node, $"'{key}' must be true or false, found {node.Describe()}");
        return null;
    }

    public long? WholeNumber(ConfigNode map, string key, long min = long.MinValue)
    {
        var node = map[key];
        if (node is null || node.IsNull)
        {
            return null;
        }

        if (node.Kind == ConfigNodeKind.Scalar && long.TryParse(node.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            if (value < min)
            {
                Error(node, $"'{key}' must be at least {min}, found {value}");
                return null;
            }

            return value;
        }

        Error(node, $"'{key}' must be a whole number, found {node.Describe()}");
        return null;
    }

    public double? Number(ConfigNode map, string key)
    {
        var node = map[key];
        if (node is null || node.IsNull)
        {
            return null;
        }

        if (node.Kind == ConfigNodeKind.Scalar && double.TryParse(node.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        Error(node, $"'{key}' must be a number, found {node.Describe()}");
        return null;
    }

    public TimeSpan? Duration(ConfigNode map, string key)
    {
        var node = map[key];
        if (node is null || node.IsNull)
        {
            return null;
        }

        if (node.Kind == ConfigNodeKind.Scalar && DurationParser.TryParse(node.Value, out var value))
        {
            return value;
        }

        Error(node, $"'{key}' must be a duration such as 500ms, 30s, 5m, 6h or 1d, found {node.Describe()}");
        return null;
    }

    /// <summary>A list of strings; a single scalar counts as a one-element list.</summary>
    public IReadOnlyList<string> StringList(ConfigNode map, string key)
    {
        var node = map[key];
        if (node is null || node.IsNull)
        {
            return [];
        }

        if (node.Kind == ConfigNodeKind.Scalar)
        {
            return [node.Value!];
        }

        if (node.Kind != ConfigNodeKind.Sequence)
        {
            Error(node, $"'{key}' must be a list of strings, found {node.Describe()}");
            return [];
        }

        var list = new List<string>();
        foreach (var item in node.Items)
        {
            if (item.Kind != ConfigNodeKind.Scalar || item.Value is null)
            {
                Error(item, $"each entry of '{key}' must be a string, found {item.Describe()}");
                continue;
            }

            list.Add(item.Value);
        }

        return list;
    }

    /// <summary>A list of glob patterns, each checked for syntax.</summary>
    public IReadOnlyList<Glob> Globs(ConfigNode map, string key)
    {
        var node = map[key];
        var patterns = StringList(map, key);
        if (patterns.Count == 0)
        {
            return []; // one shared empty list: most targets have no globs here
        }

        var globs = new List<Glob>();
        for (var i = 0; i < patterns.Count; i++)
        {
            var at = node!.Kind == ConfigNodeKind.Sequence ? node.Items[i] : node;
            if (Glob.TryParse(patterns[i], out var glob, out var why))
            {
                globs.Add(glob);
            }
            else
            {
                Error(at, $"invalid glob '{patterns[i]}' in '{key}': {why}");
            }
        }

        return globs;
    }

    /// <summary>A mapping of string to string (environment variables, free-form target config).</summary>
    public IReadOnlyDictionary<string, string> StringMap(ConfigNode map, string key)
    {
        var node = map[key];
        if (node is null || node.IsNull)
        {
            return ReadOnlyDictionary<string, string>.Empty; // shared: most targets have none, and 100,000 targets made 200,000 empty maps
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);

        if (node.Kind != ConfigNodeKind.Mapping)
        {
            Error(node, $"'{key}' must be a mapping of names to strings, found {node.Describe()}");
            return result;
        }

        foreach (var (k, v) in node.Entries)
        {
            if (v.Kind != ConfigNodeKind.Scalar)
            {
                Error(v, $"'{key}.{k.Value}' must be a string, found {v.Describe()}");
                continue;
            }

            result[k.Value!] = v.Value ?? "";
        }

        return result;
    }
}
