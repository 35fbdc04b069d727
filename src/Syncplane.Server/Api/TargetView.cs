using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Syncplane.Config;
using Syncplane.Operations;

namespace Syncplane.Server.Api;

/// <summary>
/// A target's configuration as the API shows it: connector types and options with secrets masked (any value
/// with a <c>${…}</c> secret reference, any value under a key that names a credential, the password in a URL),
/// environment variables by name only.
/// </summary>
internal static partial class TargetView
{
    public const string Mask = "***";

    public static object Detail(TargetConfig target, TargetTelemetry telemetry) => new
    {
        name = target.Name,
        description = target.Description,
        layer = target.Layer,
        direction = target.Direction.ToString().ToLowerInvariant(),
        schedule = target.Schedule.Text,
        schedule_description = target.Schedule.ToString(),
        source = Connector(target.Source),
        destination = Connector(target.Destination),
        entrypoint = target.Entrypoint is { } e ? MaskText(e) : null,
        inputs = target.Inputs.Select(g => g.ToString()),
        outputs = target.Outputs.Select(g => g.ToString()),
        env = target.Env.Keys.Order(StringComparer.Ordinal),
        config = target.Config.ToDictionary(p => p.Key, p => IsSecretKey(p.Key) ? Mask : MaskText(p.Value), StringComparer.Ordinal),
        depends_on = target.DependsOn,
        timeout_seconds = target.Timeout.TotalSeconds,
        retry = new { attempts = target.Retry.Attempts, backoff_seconds = target.Retry.Backoff.Select(b => b.TotalSeconds) },
        max_delete = target.MaxDelete?.ToString(),
        rate_limit = target.RateLimitBucket,
        verification = target.Verification is { } v ? new { command = MaskText(v.Command), expected_min = v.ExpectedMin, expected_exit_code = v.ExpectedExitCode } : null,
        webhook_triggers = target.Webhooks.Count,
        telemetry,
    };

    // Connector options whose names contain a credential word but whose values name response and request fields.
    private static readonly HashSet<string> FieldNameOptions = new(["next_token", "token_param"], StringComparer.Ordinal);

    public static object? Connector(ConnectorConfig? connector) =>
        connector is null ? null : new
        {
            type = connector.Type,
            options = connector.Node.Kind == ConfigNodeKind.Mapping
                ? new JsonObject(connector.Node.Entries.Select(e => KeyValuePair.Create(e.Key.Value ?? "",
                    Render(e.Value, IsSecretKey(e.Key.Value ?? "") && !FieldNameOptions.Contains(e.Key.Value ?? "")))))
                : Render(connector.Node, secret: false),
        };

    private static JsonNode? Render(ConfigNode node, bool secret) => node.Kind switch
    {
        ConfigNodeKind.Mapping => new JsonObject(node.Entries.Select(e =>
            KeyValuePair.Create(e.Key.Value ?? "", Render(e.Value, secret || IsSecretKey(e.Key.Value ?? ""))))),
        ConfigNodeKind.Sequence => new JsonArray([.. node.Items.Select(i => Render(i, secret))]),
        _ when node.Value is null => null,
        _ => JsonValue.Create(secret ? Mask : MaskText(node.Value)),
    };

    /// <summary>A value with any secret reference or URL password replaced by <see cref="Mask"/>.</summary>
    public static string MaskText(string value) =>
        value.Contains("${", StringComparison.Ordinal) ? Mask : UrlPassword().Replace(value, "${scheme}${user}:" + Mask + "@");

    private static bool IsSecretKey(string key) => SecretKey().IsMatch(key);

    [GeneratedRegex(@"pass(word|wd)?|secret|token|authorization|credential|api[_-]?key|private[_-]?key|cookie", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretKey();

    [GeneratedRegex(@"(?<scheme>[a-z][a-z0-9+.-]*://)(?<user>[^:/@\s]+):[^@/\s]+@", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UrlPassword();
}
