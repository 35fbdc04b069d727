using Syncplane.Notifications;

namespace Syncplane.Config;

/// <summary>The alert-only notifiers: <c>pagerduty:</c> (Events API v2) and <c>email:</c> (SMTP).</summary>
internal static partial class NotifiersBinder
{
    private static readonly string[] PagerDutyKeys = ["routing_key", "endpoint"];
    private static readonly string[] EmailKeys = ["host", "port", "starttls", "ca_file", "user", "password", "from", "to"];
    private static readonly string[] WebhookOnlyKeys = ["webhook", "format", "on", "targets", "checks", "headers", "event_type", "client_payload"];

    private static NotifierConfig? AlertChannel(string name, ConfigNode node, ConfigReader reader, string baseDirectory)
    {
        var what = $"notifiers.{name}";
        if (node["pagerduty"] is not null && node["email"] is not null)
        {
            reader.Error(node, $"{what} has both pagerduty and email; a notifier is one channel, so declare two notifiers");
            return null;
        }

        foreach (var key in WebhookOnlyKeys.Where(k => node[k] is not null))
        {
            reader.Error(node[key]!, $"{what}.{key} does not apply to a {(node["pagerduty"] is not null ? "pagerduty" : "email")} notifier, which sends alerts only (list it in an alert's notify:)");
        }

        return node["pagerduty"] is { } pagerduty
            ? new NotifierConfig { Name = name, Webhook = "", PagerDuty = PagerDuty(pagerduty, reader, $"{what}.pagerduty") }
            : new NotifierConfig { Name = name, Webhook = "", Email = Email(node["email"]!, reader, $"{what}.email", baseDirectory) };
    }

    private static PagerDutyChannel? PagerDuty(ConfigNode node, ConfigReader reader, string what)
    {
        if (!reader.Mapping(node, what, PagerDutyKeys))
        {
            return null;
        }

        var routingKey = SecretReference(node, "routing_key", reader, what, "${env:PAGERDUTY_ROUTING_KEY}");
        var endpoint = reader.Text(node, "endpoint") ?? PagerDutyChannel.DefaultEndpoint;
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            reader.Error(node["endpoint"]!, $"{what}.endpoint must be an http:// or https:// URL, found '{endpoint}'");
        }

        return new PagerDutyChannel { RoutingKey = routingKey ?? "", Endpoint = endpoint };
    }

    private static EmailChannel? Email(ConfigNode node, ConfigReader reader, string what, string baseDirectory)
    {
        if (!reader.Mapping(node, what, EmailKeys))
        {
            return null;
        }

        var host = reader.Text(node, "host", required: true);
        var port = reader.WholeNumber(node, "port", min: 1);
        if (port > 65535)
        {
            reader.Error(node["port"]!, $"{what}.port must be at most 65535, found {port}");
        }

        var startTls = StartTlsMode.Required;
        switch (reader.Text(node, "starttls"))
        {
            case null or "required":
                break;
            case "when_available":
                startTls = StartTlsMode.WhenAvailable;
                break;
            case var other:
                reader.Error(node["starttls"]!, $"{what}.starttls must be required or when_available, found '{other}'");
                break;
        }

        var caFile = reader.Text(node, "ca_file") is { } ca ? Path.GetFullPath(ca, baseDirectory) : null;
        if (caFile is not null && !File.Exists(caFile))
        {
            reader.Error(node["ca_file"]!, $"{what}.ca_file '{caFile}' does not exist; give a PEM certificate file");
        }

        var user = reader.Text(node, "user");
        if (user is not null && SecretResolver.SyntaxError(user) is { } userError)
        {
            reader.Error(node["user"]!, userError);
        }

        var password = node["password"] is null ? null : SecretReference(node, "password", reader, what, "${env:SMTP_PASSWORD}");
        if ((user is null) != (password is null))
        {
            reader.Error(node, $"{what} needs both user and password to authenticate, or neither");
        }

        var from = reader.Text(node, "from", required: true);
        var to = reader.StringList(node, "to");
        if (to.Count == 0)
        {
            reader.Error(node["to"] ?? node, $"{what}.to must list at least one address");
        }

        foreach (var address in from is null ? to : [from, .. to])
        {
            if (!address.Contains('@', StringComparison.Ordinal) || !MimeKit.MailboxAddress.TryParse(address, out _))
            {
                reader.Error(node, $"'{address}' in {what} is not an email address");
            }
        }

        return new EmailChannel { Host = host ?? "", Port = (int)(port ?? 587), StartTls = startTls, CaFile = caFile, User = user, Password = password, From = from ?? "", To = to };
    }

    // A value that must be a secret reference: a key or password written in the file would end up in git.
    private static string? SecretReference(ConfigNode node, string key, ConfigReader reader, string what, string example)
    {
        var text = reader.Text(node, key, required: true);
        if (text is null)
        {
            return null;
        }

        if (SecretResolver.SyntaxError(text) is { } syntax)
        {
            reader.Error(node[key]!, syntax);
        }
        else if (!SecretResolver.HasReference(text))
        {
            reader.Error(node[key]!, $"{what}.{key} must be a secret reference such as \"{example}\", not the secret itself");
        }

        return text;
    }
}
