namespace Syncplane.Notifications;

/// <summary>A notifier's <c>pagerduty:</c>: alerts become PagerDuty Events API v2 trigger and resolve events.</summary>
public sealed record PagerDutyChannel
{
    /// <summary>PagerDuty's public Events API v2 endpoint.</summary>
    public const string DefaultEndpoint = "https://events.pagerduty.com/v2/enqueue";

    /// <summary>The integration's routing key: a secret reference, resolved only when an event is sent.</summary>
    public required string RoutingKey { get; init; }

    /// <value>https://events.pagerduty.com/v2/enqueue</value>
    public string Endpoint { get; init; } = DefaultEndpoint;
}

/// <summary>How an email notifier secures its SMTP connection.</summary>
public enum StartTlsMode
{
    /// <summary>STARTTLS is required: a server that does not offer it gets no mail.</summary>
    Required,

    /// <summary>STARTTLS when the server offers it, else plain text (a relay on localhost).</summary>
    WhenAvailable,
}

/// <summary>A notifier's <c>email:</c>: alerts are mailed over SMTP.</summary>
public sealed record EmailChannel
{
    public required string Host { get; init; }

    /// <value>587</value>
    public int Port { get; init; } = 587;

    /// <value>required</value>
    public StartTlsMode StartTls { get; init; } = StartTlsMode.Required;

    /// <summary>
    /// A PEM file of certificates trusted as roots for this server besides the system store (a private CA, a
    /// self-signed server): the absolute path; null trusts the system store only.
    /// </summary>
    public string? CaFile { get; init; }

    /// <summary>The SMTP user (may be a secret reference); null sends without authenticating.</summary>
    public string? User { get; init; }

    /// <summary>A secret reference to the SMTP password.</summary>
    public string? Password { get; init; }

    public required string From { get; init; }

    public required IReadOnlyList<string> To { get; init; }
}
