using Syncplane.Config;
using Syncplane.Events;
using Syncplane.Notifications;
using Syncplane.Storage;

namespace Syncplane.Alerts;

/// <summary>
/// Alerting inside <c>serve</c>: evaluates every rule each <see cref="AlertOptions.EvaluateEvery"/> and the affected rules
/// as soon as a run finishes or a check changes, and sends the outbox. Every node runs it; the store decides who records
/// each transition and who sends each delivery.
/// </summary>
internal sealed class AlertService(SyncplaneConfig config, ISyncStore store, EventHub hub, SecretResolver secrets, TimeProvider time, AlertOptions options, Action<string>? log = null)
{
    private static readonly EventFilter Triggers = new([], [.. RunOutcome.EventTypeNames, EventTypes.CheckChanged, "alert.firing", "alert.resolved"]);

    public async Task RunAsync(CancellationToken stopping)
    {
        // Before the first await: a run that ends while this starts must not slip between the first tick and the subscription.
        using var subscription = hub.Subscribe(Triggers);
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan };
        var sender = new AlertOutboxSender(config.Notifiers, store, new AlertChannelSender(http, secrets, time, options.RequestTimeout), time, options, log);
        var evaluator = new AlertEvaluator(config, store, new StoreAlertFacts(store, time), time, log);
        await hub.Started.WaitAsync(stopping).ContinueWith(_ => { }, TaskScheduler.Default);
        await Task.WhenAll(sender.RunAsync(stopping), TickAsync(evaluator, stopping), FollowAsync(subscription, evaluator, sender, stopping));
    }

    private async Task TickAsync(AlertEvaluator evaluator, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            await GuardAsync(() => evaluator.EvaluateAllAsync(stopping), stopping);
            try
            {
                await Task.Delay(options.EvaluateEvery, time, stopping);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task FollowAsync(EventSubscription subscription, AlertEvaluator evaluator, AlertOutboxSender sender, CancellationToken stopping)
    {
        try
        {
            await foreach (var e in subscription.Reader.ReadAllAsync(stopping))
            {
                if (e.Type.StartsWith("alert.", StringComparison.Ordinal))
                {
                    sender.Wake();
                }
                else if (e.Type == EventTypes.CheckChanged)
                {
                    await GuardAsync(() => evaluator.EvaluateChecksAsync(stopping), stopping);
                }
                else if (e.Target is { } target)
                {
                    await GuardAsync(() => evaluator.EvaluateTargetAsync(target, stopping), stopping);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (SlowSubscriberException)
        {
            log?.Invoke("alerts: fell behind the event stream; rules are still evaluated every tick");
        }
    }

    private async Task GuardAsync(Func<Task> evaluate, CancellationToken stopping)
    {
        try
        {
            await evaluate();
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping during an evaluation: the node's stop must not fail for it.
        }
        catch (Exception ex) when (!stopping.IsCancellationRequested)
        {
            log?.Invoke($"alerts: evaluation failed: {secrets.Redact(ex.Message)}; trying again at the next tick");
        }
    }
}
