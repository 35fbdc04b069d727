using Syncplane.Config;
using Syncplane.Events;
using Syncplane.Storage;

namespace Syncplane.Notifications;

/// <summary>
/// Sends run outcomes and check changes to the configured notifiers. One dispatcher is active per store: it holds the "notifier" lease
/// (renewed every third of its duration; standby nodes keep trying), and follows the event log from the durable
/// "notifier" cursor, so a restart or a takeover resumes where the last active dispatcher stopped.
/// </summary>
/// <remarks>
/// Delivery is at least once: the cursor advances after all of an event's notifications are sent or given up, so an
/// event in flight when a node stops is sent again by the next one. With no cursor yet, it starts at the end of the
/// log: history is not replayed.
/// </remarks>
internal sealed class NotificationDispatcher(
    IReadOnlyList<NotifierConfig> notifiers, ISyncStore store, EventHub hub, SecretResolver secrets, TimeProvider time, NotificationOptions options,
    Action<string>? log = null)
{
    /// <summary>The lease that makes a dispatcher active.</summary>
    public const string LeaseName = "notifier";

    /// <summary>The event-log cursor of the last event whose notifications are done.</summary>
    public const string CursorName = "notifier";

    private static readonly EventFilter RunEnds = new([], [.. RunOutcome.EventTypeNames, EventTypes.CheckChanged]);
    private int _active;

    /// <summary>True while this dispatcher holds the lease and follows the log (every event appended from now on is its to send).</summary>
    public bool IsActive => Volatile.Read(ref _active) == 1;

    /// <summary>Runs until <paramref name="stopping"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        // No redirects: a 3xx is a final answer, and a POST is not silently turned into a GET somewhere else.
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan };
        var sender = new NotificationSender(http, secrets, time, options, log);
        var renew = options.LeaseDuration / 3;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await hub.Started.WaitAsync(stopping);
                if (await store.TryAcquireLeaseAsync(LeaseName, options.Holder, options.LeaseDuration, stopping))
                {
                    await ActiveAsync(sender, renew, stopping);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                log?.Invoke($"notifier: {secrets.Redact(ex.Message)}; retrying in {DurationParser.Format(renew)}");
            }

            try
            {
                await Task.Delay(renew, time, stopping);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    // Follows the log while the lease holds; returns when it is lost.
    private async Task ActiveAsync(NotificationSender sender, TimeSpan renew, CancellationToken stopping)
    {
        using var session = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var keeper = KeepLeaseAsync(renew, session);
        try
        {
            await FollowAsync(sender, session.Token);
        }
        catch (OperationCanceledException) when (session.IsCancellationRequested && !stopping.IsCancellationRequested)
        {
            // The lease was lost: another node sends from here on.
        }
        finally
        {
            Volatile.Write(ref _active, 0);
            await session.CancelAsync();
            await keeper;
        }
    }

    private async Task KeepLeaseAsync(TimeSpan renew, CancellationTokenSource session)
    {
        try
        {
            while (true)
            {
                await Task.Delay(renew, time, session.Token);
                if (!await store.TryAcquireLeaseAsync(LeaseName, options.Holder, options.LeaseDuration, session.Token))
                {
                    log?.Invoke("notifier: standby (another node holds the notifier lease)");
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (session.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex)
        {
            // Unsure whether the lease still holds: stop sending rather than risk sending twice.
            log?.Invoke($"notifier: could not renew the lease: {secrets.Redact(ex.Message)}");
        }

        await session.CancelAsync();
    }

    private async Task FollowAsync(NotificationSender sender, CancellationToken ct)
    {
        using var subscription = hub.Subscribe(RunEnds);
        if (await store.GetCursorAsync(CursorName, ct) is not { } cursor)
        {
            cursor = subscription.After;
            await store.SetCursorAsync(CursorName, cursor, ct);
        }

        Volatile.Write(ref _active, 1);
        log?.Invoke($"notifier: active for {notifiers.Count} notifier(s), from event {cursor}");

        await foreach (var e in hub.ReplayAsync(cursor, subscription.After, RunEnds, ct))
        {
            cursor = await HandleAsync(sender, e, cursor, ct);
        }

        while (await subscription.Reader.WaitToReadAsync(ct))
        {
            while (subscription.Reader.TryRead(out var e))
            {
                if (e.Id > cursor)
                {
                    cursor = await HandleAsync(sender, e, cursor, ct);
                }
            }
        }
    }

    private async Task<long> HandleAsync(NotificationSender sender, SyncEvent e, long cursor, CancellationToken ct)
    {
        if (RunOutcome.From(e) is { } outcome)
        {
            if (outcome.Status == NotificationStatuses.Succeeded && notifiers.Any(n => n.Wants(outcome with { Recovered = true })))
            {
                outcome = outcome with { Recovered = await FollowsFailureAsync(outcome, ct) };
            }

            await Task.WhenAll(notifiers.Where(n => n.Wants(outcome)).Select(n => sender.SendAsync(n, outcome, ct)));
        }
        else if (CheckChange.From(e) is { } change)
        {
            await Task.WhenAll(notifiers.Where(n => n.Wants(change)).Select(n => sender.SendAsync(n, change, ct)));
        }

        if (e.Id > cursor)
        {
            await store.SetCursorAsync(CursorName, e.Id, ct);
            return e.Id;
        }

        return cursor;
    }

    // True when the target's previous finished run that counts (succeeded or failed) failed.
    private async Task<bool> FollowsFailureAsync(RunOutcome outcome, CancellationToken ct)
    {
        var earlier = await store.ListRunsAsync(new RunQuery(outcome.Target, Limit: 20, BeforeId: outcome.RunId), ct);
        return earlier.FirstOrDefault(r => r.Status is RunStatus.Succeeded or RunStatus.Failed)?.Status == RunStatus.Failed;
    }
}
