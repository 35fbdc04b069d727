using System.Text.Json.Nodes;
using Syncplane.Events;
using Syncplane.Storage;
using Syncplane.Webhooks;

namespace Syncplane.Server.Api;

/// <summary>
/// What happens to an accepted delivery: deduplicated by its delivery id, recorded as a
/// <c>webhook.received</c> event, and one run queued (or coalesced) per matched target.
/// Built once per config: the receiver and the matcher index are reused by every request.
/// </summary>
internal sealed class WebhookIntake(ServerContext context)
{
    /// <summary>Up to this many matched targets are queued before the response (their run ids are in it); more are queued after it.</summary>
    internal const int InlineEnqueueLimit = 100;

    /// <summary>What a shed delivery's <c>Retry-After</c> says, in seconds: long enough for a backlog of <c>max_pending</c> to drain.</summary>
    internal const int RetryAfterSeconds = 2;

    public WebhookReceiver Receiver { get; } = new(context.Config.Webhooks, context.Secrets, context.Time);

    // Deliveries of this server between TryEnter and Leave: waiting for the store.
    private int _pending;

    // A project with its own webhooks: is reached with its own secrets only, so one team's secret cannot queue another's targets.
    private readonly Dictionary<string, WebhookReceiver> _projectReceivers = context.Config.Projects.Items.Where(p => p.Webhooks is not null).ToDictionary(
        p => p.Name, p => new WebhookReceiver(p.Webhooks! with { MaxBodyBytes = context.Config.Webhooks.MaxBodyBytes }, context.Secrets, context.Time), StringComparer.Ordinal);

    // The global route (top-level secrets) matches every target but those of projects with their own secrets.
    private readonly WebhookMatcher _matcher = new([.. context.Config.Targets.Where(t =>
        context.Config.Projects.OfTarget(t.Name) is not { } project || context.Config.Projects.Find(project)?.Webhooks is null)]);

    // One matcher per project over its own targets: a delivery to /projects/{project}/webhooks/… can queue nothing else.
    private readonly Dictionary<string, WebhookMatcher> _projectMatchers = context.Config.Projects.Items.ToDictionary(
        p => p.Name, p => new WebhookMatcher([.. context.Config.Targets.Where(t => context.Config.Projects.OfTarget(t.Name) == p.Name)]), StringComparer.Ordinal);

    public bool HasProject(string project) => _projectMatchers.ContainsKey(project);

    /// <summary>What authenticates a delivery to <paramref name="project"/>'s routes (null: the global route): its own secrets if it has them.</summary>
    public WebhookReceiver ReceiverFor(string? project) => project is not null && _projectReceivers.TryGetValue(project, out var own) ? own : Receiver;

    /// <summary>
    /// Takes a place among the deliveries waiting for the store (release it with <see cref="Leave"/>); false, with nothing
    /// taken, when <c>webhooks.max_pending</c> already wait: the store is behind, and the sender should come back later
    /// rather than wait behind the backlog.
    /// </summary>
    public bool TryEnter()
    {
        if (Interlocked.Increment(ref _pending) <= context.Config.Webhooks.MaxPending)
        {
            return true;
        }

        Interlocked.Decrement(ref _pending);
        return false;
    }

    /// <summary>How many deliveries wait for the store now.</summary>
    internal int Pending => Volatile.Read(ref _pending);

    /// <summary>Gives back the place <see cref="TryEnter"/> took.</summary>
    public void Leave() => Interlocked.Decrement(ref _pending);

    /// <summary>Records and triggers an accepted delivery in one store transaction; null when it is a redelivery (nothing happens twice).</summary>
    /// <param name="traceParent">The delivery's span, stored with the runs it queues so that their spans link to it.</param>
    /// <param name="project">Match only this project's targets; null matches every target.</param>
    public async Task<IntakeResult?> AcceptAsync(InboundDelivery delivery, string? traceParent, string? project, CancellationToken cancellationToken)
    {
        var matched = (project is null ? _matcher : _projectMatchers[project]).Match(delivery);
        var trigger = $"webhook:{delivery.Provider}";
        var now = context.Time.GetUtcNow();
        var inline = matched.Take(InlineEnqueueLimit).Select(target => new RunRequest(target, trigger, RunPriority.Event, now) { TraceParent = traceParent }).ToList();
        var received = new NewEvent(EventTypes.WebhookReceived, matched.Count == 1 ? matched[0] : null, null, EventData(delivery, matched));

        // Once the store has it, finish even if the caller hangs up: the delivery id is spent.
        // A project with its own secrets spends delivery ids of its own, so another team cannot spend them first.
        var spentBy = project is not null && _projectReceivers.ContainsKey(project) ? $"{delivery.Provider}@{project}" : delivery.Provider;
        var queued = await context.Store.AcceptDeliveryAsync(spentBy, delivery.DeliveryId, received, inline, CancellationToken.None);
        if (queued is null)
        {
            return null;
        }

        if (matched.Count > InlineEnqueueLimit)
        {
            _ = EnqueueRestAsync([.. matched.Skip(InlineEnqueueLimit)], trigger, now, traceParent);
        }

        var runs = inline.Zip(queued, (request, result) => new TriggeredRun(request.Target, result.RunId, result.Coalesced)).ToList();
        return new IntakeResult(delivery.DeliveryId, matched, runs);
    }

    private async Task EnqueueRestAsync(IReadOnlyList<string> targets, string trigger, DateTimeOffset now, string? traceParent)
    {
        await Task.Yield();
        foreach (var target in targets)
        {
            try
            {
                await context.Store.EnqueueAsync(new RunRequest(target, trigger, RunPriority.Event, now) { TraceParent = traceParent }, CancellationToken.None);
            }
            catch (Exception)
            {
                // The store is unreachable: the target's schedule (or the next delivery) still runs it.
            }
        }
    }

    // What the event log keeps: never the query string, headers or secrets.
    private static JsonObject EventData(InboundDelivery delivery, IReadOnlyList<string> matched)
    {
        var data = new JsonObject
        {
            ["provider"] = delivery.Provider,
            ["event"] = delivery.EventType,
            ["delivery_id"] = delivery.DeliveryId,
            ["repository"] = delivery.Repository,
            ["branch"] = delivery.Branch,
            ["tag"] = delivery.Tag,
            ["subject"] = delivery.Subject,
            ["summary"] = delivery.Summary,
            ["matched"] = new JsonArray([.. matched.Select(m => (JsonNode?)JsonValue.Create(m))]),
        };
        foreach (var key in data.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            data.Remove(key);
        }

        return data;
    }
}

/// <summary>A run a delivery queued, or the queued run it coalesced into.</summary>
internal sealed record TriggeredRun(string Target, long RunId, bool Coalesced);

/// <summary>What an accepted delivery did.</summary>
internal sealed record IntakeResult(string? DeliveryId, IReadOnlyList<string> Matched, IReadOnlyList<TriggeredRun> Runs);
