using System.Threading.Channels;
using Syncplane.Config;
using Syncplane.Notifications;
using Syncplane.Storage;

namespace Syncplane.Alerts;

/// <summary>
/// Sends the alert outbox. Every node runs one: a delivery is claimed with a lease in the store, sent, and marked sent
/// while the lease holds, so each transition is sent once per notifier however many nodes run. A node that dies
/// mid-send leaves its lease to expire, and another node sends the delivery then.
/// </summary>
/// <remarks>
/// Failed attempts are retried after <see cref="AlertOptions.Backoff"/> through the delivery's due time, not by waiting
/// in place, and each delivery is sent on its own task: a channel that fails or hangs holds up only its own deliveries.
/// A receiver that took a request but whose answer was lost with the node gets it again; every attempt carries the same
/// <c>X-Syncplane-Delivery</c> header (and PagerDuty the same <c>dedup_key</c>) so it can tell.
/// </remarks>
internal sealed class AlertOutboxSender(
    IReadOnlyList<NotifierConfig> notifiers, ISyncStore store, AlertChannelSender channels, TimeProvider time, AlertOptions options, Action<string>? log = null)
{
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Looks at the outbox now rather than at the next poll.</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    public async Task RunAsync(CancellationToken stopping)
    {
        var inFlight = new List<Task>();
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                inFlight.RemoveAll(t => t.IsCompleted);
                foreach (var delivery in await store.ClaimAlertDeliveriesAsync(options.Holder, options.Lease, options.Batch, stopping))
                {
                    inFlight.Add(DeliverAsync(delivery, stopping));
                }

                await Task.WhenAny(_wake.Reader.WaitToReadAsync(stopping).AsTask(), Task.Delay(options.PollEvery, time, stopping));
                _wake.Reader.TryRead(out _);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                log?.Invoke($"alerts: outbox: {ex.Message}");
                await Task.Delay(options.PollEvery, time, stopping).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }

        await Task.WhenAll(inFlight).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    /// <summary>Claims and sends what is due once, waiting for the sends (tests).</summary>
    public async Task SendDueAsync(CancellationToken cancellationToken)
    {
        var claimed = await store.ClaimAlertDeliveriesAsync(options.Holder, options.Lease, options.Batch, cancellationToken);
        await Task.WhenAll(claimed.Select(d => DeliverAsync(d, cancellationToken)));
    }

    private async Task DeliverAsync(AlertDelivery delivery, CancellationToken stopping)
    {
        await Task.Yield();
        var notice = AlertNotice.FromJson(delivery.Payload);
        var what = $"{notice.Transition} of {notice.Rule} on {notice.Kind} {notice.Subject}";
        if (notifiers.FirstOrDefault(n => n.Name == delivery.Notifier) is not { } notifier)
        {
            await store.FailAlertDeliveryAsync(delivery.Id, options.Holder, $"notifier '{delivery.Notifier}' is no longer in the config", null, stopping);
            return;
        }

        DeliveryAttempt attempt;
        try
        {
            attempt = await channels.SendAsync(notifier, notice, $"alert-{delivery.Id}", stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping (or killed): the lease runs out and another node sends it.
            return;
        }

        if (attempt.Delivered)
        {
            if (await store.CompleteAlertDeliveryAsync(delivery.Id, options.Holder, CancellationToken.None))
            {
                log?.Invoke($"alerts: notifier {notifier.Name}: sent {what}");
            }
            else
            {
                log?.Invoke($"alerts: notifier {notifier.Name}: sent {what}, but the lease had run out first: another node may send it too");
            }

            return;
        }

        var retryAt = attempt.Retry && delivery.Attempts <= options.Backoff.Count ? time.GetUtcNow() + options.Backoff[delivery.Attempts - 1] : (DateTimeOffset?)null;
        await store.FailAlertDeliveryAsync(delivery.Id, options.Holder, attempt.Why, retryAt, CancellationToken.None);
        log?.Invoke(retryAt is null
            ? $"alerts: notifier {notifier.Name}: gave up on {what} after {delivery.Attempts} attempt(s): {attempt.Why}"
            : $"alerts: notifier {notifier.Name}: attempt {delivery.Attempts} of {what} failed: {attempt.Why}; retrying in {DurationParser.Format(options.Backoff[delivery.Attempts - 1])}");
    }
}
