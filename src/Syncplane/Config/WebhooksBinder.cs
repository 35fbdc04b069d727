using System.Globalization;
using System.Text.RegularExpressions;
using Syncplane.Webhooks;

namespace Syncplane.Config;

/// <summary>
/// Binds the top-level <c>webhooks</c> section: <c>max_body</c>, <c>max_pending</c> and, per provider, its secret as a secret reference.
/// </summary>
internal static partial class WebhooksBinder
{
    /// <summary>The largest <c>max_body</c> accepted: GitHub caps payloads at 25 MB; a little room above that.</summary>
    private const long MaxBodyCeiling = 32L * 1024 * 1024;

    private static readonly string[] TokenKeys = ["token", "token_in", "token_header"];

    private static readonly Dictionary<string, string[]> KeysByProvider = new(StringComparer.Ordinal)
    {
        [WebhookProviders.GitHub] = ["secret"],
        [WebhookProviders.GitLab] = ["token"],
        [WebhookProviders.PubSub] = TokenKeys,
        [WebhookProviders.CloudEvents] = [.. TokenKeys, "allow_unauthenticated"],
        [WebhookProviders.Generic] = [.. TokenKeys, "allow_unauthenticated"],
    };

    public static WebhooksConfig Bind(ConfigNode? node, ConfigReader reader)
    {
        if (node is null || node.IsNull || !reader.Mapping(node, "webhooks", ["max_body", "max_pending", .. WebhookProviders.All]))
        {
            return new WebhooksConfig();
        }

        return new WebhooksConfig
        {
            MaxBodyBytes = MaxBody(node, reader) ?? WebhooksConfig.DefaultMaxBodyBytes,
            MaxPending = (int)Math.Min(int.MaxValue, reader.WholeNumber(node, "max_pending", min: 1) ?? WebhooksConfig.DefaultMaxPending),
            Providers = Providers(node, "webhooks", reader),
        };
    }

    /// <summary>
    /// Binds <c>projects.NAME.webhooks</c>: the providers' secrets of one project, in the top-level section's shape
    /// without <c>max_body</c> (the top-level one applies).
    /// </summary>
    public static WebhooksConfig BindProject(ConfigNode node, string project, ConfigReader reader)
    {
        var section = $"projects.{project}.webhooks";
        return reader.Mapping(node, section, [.. WebhookProviders.All]) ? new WebhooksConfig { Providers = Providers(node, section, reader) } : new WebhooksConfig();
    }

    private static Dictionary<string, WebhookProviderConfig> Providers(ConfigNode node, string section, ConfigReader reader)
    {
        var providers = new Dictionary<string, WebhookProviderConfig>(StringComparer.Ordinal);
        foreach (var (key, value) in node.Entries)
        {
            if (key.Value is { } name && KeysByProvider.ContainsKey(name) && Provider(name, value, $"{section}.{name}", reader) is { } bound)
            {
                providers[name] = bound;
            }
        }

        return providers;
    }

    private static WebhookProviderConfig? Provider(string name, ConfigNode node, string what, ConfigReader reader)
    {
        if (!reader.Mapping(node, what, KeysByProvider[name]))
        {
            return null;
        }

        var secretKey = name == WebhookProviders.GitHub ? "secret" : "token";
        var allowUnauthenticated = reader.Bool(node, "allow_unauthenticated") ?? false;
        var secret = reader.Text(node, secretKey);
        if (secret is null && !allowUnauthenticated)
        {
            var hint = KeysByProvider[name].Contains("allow_unauthenticated") ? ", or set allow_unauthenticated: true to accept deliveries from anyone" : "";
            reader.Error(node, $"{what} needs '{secretKey}', a secret reference such as \"${{env:{name.ToUpperInvariant()}_WEBHOOK_{secretKey.ToUpperInvariant()}}}\"{hint}");
        }
        else if (secret is not null && allowUnauthenticated)
        {
            reader.Error(node["allow_unauthenticated"]!, $"{what} sets both '{secretKey}' and allow_unauthenticated: true; remove one");
        }
        else if (secret is not null && SecretResolver.SyntaxError(secret) is { } syntax)
        {
            reader.Error(node[secretKey]!, syntax);
        }
        else if (secret is not null && !SecretResolver.HasReference(secret))
        {
            reader.Error(node[secretKey]!, $"{what}.{secretKey} must be a secret reference such as \"${{env:NAME}}\" or \"${{file:PATH}}\", so the secret itself never sits in the config file");
        }

        var defaultLocation = name == WebhookProviders.PubSub ? WebhookTokenLocation.Query : WebhookTokenLocation.Header;
        var tokenIn = reader.Text(node, "token_in") switch
        {
            null => defaultLocation,
            "query" => WebhookTokenLocation.Query,
            "header" => WebhookTokenLocation.Header,
            var other => Invalid(node, reader, $"token_in must be query or header, found '{other}'", defaultLocation),
        };
        var tokenHeader = reader.Text(node, "token_header");
        if (tokenHeader is not null && tokenIn == WebhookTokenLocation.Query)
        {
            reader.Error(node["token_header"]!, $"{what} sets token_header but token_in is query; set token_in: header");
        }

        return new WebhookProviderConfig
        {
            Secret = secret,
            TokenIn = tokenIn,
            TokenHeader = tokenHeader ?? "Authorization",
            AllowUnauthenticated = allowUnauthenticated,
        };
    }

    private static WebhookTokenLocation Invalid(ConfigNode node, ConfigReader reader, string message, WebhookTokenLocation fallback)
    {
        reader.Error(node["token_in"]!, message);
        return fallback;
    }

    /// <summary><c>max_body: 1MiB</c>: a byte count with an optional unit B, KB, KiB, MB or MiB.</summary>
    private static long? MaxBody(ConfigNode node, ConfigReader reader)
    {
        var text = reader.Text(node, "max_body");
        if (text is null)
        {
            return null;
        }

        var match = SizeRegex().Match(text.Trim());
        if (match.Success && long.TryParse(match.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            var unit = match.Groups["unit"].Value.ToUpperInvariant();
            var bytes = unit switch
            {
                "KB" => n * 1000,
                "KIB" => n * 1024,
                "MB" => n * 1000 * 1000,
                "MIB" => n * 1024 * 1024,
                _ => n,
            };
            if (bytes is > 0 and <= MaxBodyCeiling)
            {
                return bytes;
            }
        }

        reader.Error(node["max_body"]!, $"max_body must be a size between 1 byte and 32MiB such as 1MiB, 512KiB or 65536, found '{text}'");
        return null;
    }

    [GeneratedRegex(@"^(?<n>[0-9]{1,12})\s*(?<unit>B|KB|KiB|MB|MiB)?$", RegexOptions.IgnoreCase)]
    private static partial Regex SizeRegex();
}
