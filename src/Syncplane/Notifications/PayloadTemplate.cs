using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Syncplane.Config;

namespace Syncplane.Notifications;

/// <summary>
/// A notification body written in the config (a github_dispatch <c>client_payload</c>): JSON-shaped YAML whose strings
/// may hold <c>{name}</c> placeholders for the run's fields (<see cref="Fields"/>), filled in for each run.
/// </summary>
/// <remarks>
/// Unquoted YAML numbers, <c>true</c>/<c>false</c> and <c>null</c> stay JSON numbers, booleans and null; everything else,
/// quoted or with placeholders, is a string. A field without a value (<c>{commit_sha}</c> of a run that made no commit)
/// becomes the empty string.
/// </remarks>
internal sealed partial class PayloadTemplate
{
    /// <summary>The placeholders a template may use.</summary>
    public static readonly string[] Fields =
        ["revision", "source_revision", "commit_sha", "target", "status", "run_id", "event_id", "trigger", "attempt", "message", "creates", "updates", "deletes", "at"];

    private readonly JsonObject _template;

    private PayloadTemplate(JsonObject template) => _template = template;

    /// <summary>Top-level properties of the template (GitHub allows at most 10 in <c>client_payload</c>).</summary>
    public int Count => _template.Count;

    /// <summary>Binds a mapping; reports unknown placeholders and non-mappings to <paramref name="reader"/>.</summary>
    public static PayloadTemplate? Bind(ConfigNode node, ConfigReader reader, string what)
    {
        if (node.Kind != ConfigNodeKind.Mapping)
        {
            reader.Error(node, $"{what} must be a mapping, found {node.Describe()}");
            return null;
        }

        var errors = reader.Errors.Count;
        var json = (JsonObject)Convert(node, reader, what)!;
        return reader.Errors.Count > errors ? null : new PayloadTemplate(json);
    }

    /// <summary>The template with the outcome's fields filled in.</summary>
    public JsonObject Render(RunOutcome outcome)
    {
        var values = Values(outcome);
        return (JsonObject)Fill(_template, values)!;
    }

    private static Dictionary<string, string> Values(RunOutcome outcome)
    {
        string Text(long? number) => number?.ToString(CultureInfo.InvariantCulture) ?? "";
        return new(StringComparer.Ordinal)
        {
            ["revision"] = outcome.Revision ?? "",
            ["source_revision"] = outcome.SourceRevision ?? "",
            ["commit_sha"] = outcome.CommitSha ?? "",
            ["target"] = outcome.Target,
            ["status"] = outcome.Status,
            ["run_id"] = Text(outcome.RunId),
            ["event_id"] = Text(outcome.EventId),
            ["trigger"] = outcome.Trigger ?? "",
            ["attempt"] = Text(outcome.Attempt),
            ["message"] = NotificationPayloads.Cut(outcome.Message) ?? "",
            ["creates"] = Text(outcome.Creates),
            ["updates"] = Text(outcome.Updates),
            ["deletes"] = Text(outcome.Deletes),
            ["at"] = outcome.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        };
    }

    private static JsonNode? Fill(JsonNode? node, Dictionary<string, string> values) => node switch
    {
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, Fill(p.Value, values)))),
        JsonArray a => new JsonArray([.. a.Select(i => Fill(i, values))]),
        JsonValue v when v.TryGetValue<string>(out var text) => JsonValue.Create(PlaceholderRegex().Replace(text, m => values[m.Groups[1].Value])),
        _ => node?.DeepClone(),
    };

    private static JsonNode? Convert(ConfigNode node, ConfigReader reader, string what)
    {
        switch (node.Kind)
        {
            case ConfigNodeKind.Mapping:
                var o = new JsonObject();
                foreach (var (key, value) in node.Entries)
                {
                    o[key.Value ?? ""] = Convert(value, reader, what);
                }

                return o;
            case ConfigNodeKind.Sequence:
                return new JsonArray([.. node.Items.Select(i => Convert(i, reader, what))]);
            default:
                if (node.Value is not { } text)
                {
                    return null;
                }

                if (!node.Quoted && text is "true" or "false")
                {
                    return JsonValue.Create(text == "true");
                }

                if (!node.Quoted && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                {
                    return JsonValue.Create(number);
                }

                foreach (Match match in PlaceholderRegex().Matches(text))
                {
                    if (!Fields.Contains(match.Groups[1].Value))
                    {
                        reader.Error(node, $"unknown placeholder {match.Value} in {what}; expected any of: {string.Join(", ", Fields.Select(f => "{" + f + "}"))}");
                    }
                }

                return JsonValue.Create(text);
        }
    }

    [GeneratedRegex(@"\{([a-z_]+)\}")]
    private static partial Regex PlaceholderRegex();
}
