using Syncplane.Config;
using Syncplane.Planning;

namespace Syncplane.Webhooks;

/// <summary>
/// One matcher under a target's <c>trigger.webhook.&lt;provider&gt;</c>. Every field is optional; a delivery
/// matches when it satisfies all fields that are set. Text fields accept <c>*</c> as "any characters".
/// </summary>
/// <remarks>
/// The provider-specific keys map onto these fields: <c>repository</c> (github), <c>project</c> (gitlab),
/// <c>subscription</c> (pubsub) and <c>source</c> (cloudevents) are <see cref="Repository"/>; <c>events</c>,
/// <c>type</c> (cloudevents) and <c>event</c> (generic) are <see cref="Events"/>; <c>attributes</c> and
/// <c>fields</c> (generic) are <see cref="Attributes"/>.
/// </remarks>
public sealed record WebhookTrigger
{
    /// <summary>One of <see cref="WebhookProviders"/>.</summary>
    public required string Provider { get; init; }

    /// <summary>Repository, project, subscription or CloudEvents source; compared case-insensitively.</summary>
    public string? Repository { get; init; }

    /// <summary>The pushed branch (<c>refs/heads/</c> removed); exact. A matcher with a branch never matches a tag push.</summary>
    public string? Branch { get; init; }

    /// <summary>The pushed tag (<c>refs/tags/</c> removed). A matcher with a tag matches only tag pushes.</summary>
    public string? Tag { get; init; }

    /// <summary>At least one changed path must match one of these globs; empty: any change.</summary>
    public IReadOnlyList<Glob> Paths { get; init; } = [];

    /// <summary>Event types; empty means <c>push</c> for github and gitlab, and any event for the others.</summary>
    public IReadOnlyList<string> Events { get; init; } = [];

    /// <summary>The CloudEvents <c>subject</c>.</summary>
    public string? Subject { get; init; }

    /// <summary>Attribute (or dotted JSON field) → required value, compared exactly.</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();

    /// <summary>Where the matcher was declared, for error messages.</summary>
    public ConfigNode? Node { get; init; }
}
