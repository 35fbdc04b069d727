using System.Text.RegularExpressions;
using Syncplane.Notifications;

namespace Syncplane.Config;

/// <summary>
/// Binds the top-level <c>notifiers</c> section: name → <c>webhook</c>, <c>format</c>, <c>on</c>, <c>targets</c>,
/// <c>headers</c> and (github_dispatch) <c>event_type</c> and <c>client_payload</c>. Secret references are checked for syntax, never resolved.
/// </summary>
internal static partial class NotifiersBinder
{
    private static readonly string[] Keys = ["webhook", "format", "on", "targets", "checks", "headers", "event_type", "client_payload", "pagerduty", "email"];

    private static readonly Dictionary<string, NotificationFormat> Formats = new(StringComparer.Ordinal)
    {
        ["json"] = NotificationFormat.Json,
        ["slack"] = NotificationFormat.Slack,
        ["github_dispatch"] = NotificationFormat.GitHubDispatch,
    };

    public static IReadOnlyList<NotifierConfig> Bind(ConfigNode? node, ConfigReader reader, string baseDirectory)
    {
        if (node is null || node.IsNull)
        {
            return [];
        }

        if (node.Kind != ConfigNodeKind.Mapping)
        {
            reader.Error(node, $"notifiers must be a mapping of names to notifiers, found {node.Describe()}");
            return [];
        }

        var notifiers = new List<NotifierConfig>();
        foreach (var (key, value) in node.Entries)
        {
            if (key.Value is { Length: > 0 } name && Notifier(name, value, reader, baseDirectory) is { } bound)
            {
                notifiers.Add(bound);
            }
        }

        return notifiers;
    }

    private static NotifierConfig? Notifier(string name, ConfigNode node, ConfigReader reader, string baseDirectory)
    {
        var what = $"notifiers.{name}";
        if (!reader.Mapping(node, what, Keys))
        {
            return null;
        }

        if (node["pagerduty"] is not null || node["email"] is not null)
        {
            return AlertChannel(name, node, reader, baseDirectory);
        }

        var webhook = reader.Text(node, "webhook", required: true);
        if (webhook is not null && WebhookError(webhook) is { } error)
        {
            reader.Error(node["webhook"]!, $"{what}.webhook {error}");
        }

        var format = NotificationFormat.Json;
        if (reader.Text(node, "format") is { } formatText && !Formats.TryGetValue(formatText, out format))
        {
            reader.Error(node["format"]!, $"{what}.format must be one of: {string.Join(", ", Formats.Keys)}; found '{formatText}'");
        }

        var eventType = reader.Text(node, "event_type");
        if (eventType is not null && format != NotificationFormat.GitHubDispatch)
        {
            reader.Error(node["event_type"]!, $"{what}.event_type applies to format: github_dispatch only");
        }
        else if (eventType is { Length: 0 or > 100 })
        {
            reader.Error(node["event_type"]!, $"{what}.event_type must be 1 to 100 characters (GitHub's limit)");
        }

        PayloadTemplate? clientPayload = null;
        if (node["client_payload"] is { IsNull: false } payload)
        {
            if (format != NotificationFormat.GitHubDispatch)
            {
                reader.Error(payload, $"{what}.client_payload applies to format: github_dispatch only");
            }
            else if ((clientPayload = PayloadTemplate.Bind(payload, reader, $"{what}.client_payload")) is { Count: > 10 })
            {
                reader.Error(payload, $"{what}.client_payload has {clientPayload.Count} top-level properties; GitHub accepts at most 10");
            }
        }

        return new NotifierConfig
        {
            Name = name,
            Webhook = webhook ?? "",
            Format = format,
            On = Statuses(node, reader, what),
            Targets = reader.Globs(node, "targets"),
            Checks = reader.Globs(node, "checks"),
            Headers = Headers(node, reader, what),
            EventType = eventType,
            ClientPayload = clientPayload,
        };
    }

    private static IReadOnlyList<string> Statuses(ConfigNode node, ConfigReader reader, string what)
    {
        if (node["on"] is null)
        {
            return [NotificationStatuses.Failed];
        }

        var statuses = reader.StringList(node, "on");
        for (var i = 0; i < statuses.Count; i++)
        {
            if (!NotificationStatuses.All.Contains(statuses[i]) && !CheckNotifications.All.Contains(statuses[i]))
            {
                var at = node["on"]!.Kind == ConfigNodeKind.Sequence ? node["on"]!.Items[i] : node["on"]!;
                reader.Error(at, $"unknown status '{statuses[i]}' in {what}.on; expected any of: {string.Join(", ", NotificationStatuses.All.Concat(CheckNotifications.All))}");
            }
        }

        if (statuses.Count == 0 && !node["on"]!.IsNull)
        {
            reader.Error(node["on"]!, $"{what}.on is empty, so the notifier would never send; list at least one of: {string.Join(", ", NotificationStatuses.All)}");
        }

        return statuses;
    }

    private static IReadOnlyDictionary<string, string> Headers(ConfigNode node, ConfigReader reader, string what)
    {
        var headers = reader.StringMap(node, "headers");
        foreach (var (key, value) in node["headers"] is { Kind: ConfigNodeKind.Mapping } map ? map.Entries : [])
        {
            if (key.Value is not { } header || !HeaderNameRegex().IsMatch(header))
            {
                reader.Error(key, $"'{key.Value}' in {what}.headers is not a valid HTTP header name");
            }
            else if (header.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) || header.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                reader.Error(key, $"{what}.headers cannot set {header}: notifications are always JSON");
            }
            else if (value.Value is { } text && SecretResolver.SyntaxError(text) is { } syntax)
            {
                reader.Error(value, syntax);
            }
        }

        return headers;
    }

    // The URL with its secret references stood in for: a whole-URL reference is checked when it is resolved.
    private static string? WebhookError(string webhook)
    {
        if (SecretResolver.SyntaxError(webhook) is { } syntax)
        {
            return syntax;
        }

        if (webhook.StartsWith("${", StringComparison.Ordinal) && SecretResolver.HasReference(webhook))
        {
            return null;
        }

        var shape = ReferenceRegex().Replace(webhook, "secret");
        return Uri.TryCreate(shape, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0
            ? null
            : $"must be an http:// or https:// URL, or a secret reference such as \"${{env:SLACK_WEBHOOK_URL}}\"; found '{webhook}'";
    }

    [GeneratedRegex(@"\$\{(env|file):[^}\s]+\}")]
    private static partial Regex ReferenceRegex();

    [GeneratedRegex(@"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")]
    private static partial Regex HeaderNameRegex();
}
