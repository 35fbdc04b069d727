using Syncplane.Storage;

namespace Syncplane.Engine;

/// <summary>
/// Renews a direct run's lease (fence 0) and stops the run when a user asked to cancel it through the store
/// (<see cref="ISyncStore.RequestCancelAsync"/>), as a worker does for the runs it claimed.
/// </summary>
internal sealed class DirectRunRenewal(ISyncStore store, long runId, TimeSpan lease, CancellationTokenSource cancel)
{
    private int _renewing;
    private volatile string? _cancelledBy;

    /// <summary>Who asked to cancel the run; null when nobody did.</summary>
    public string? CancelledBy => _cancelledBy;

    public async Task RenewAsync()
    {
        if (Interlocked.CompareExchange(ref _renewing, 1, 0) != 0)
        {
            return; // the previous renewal is still in flight
        }

        try
        {
            await store.RenewLeaseAsync(runId, 0, lease, CancellationToken.None);
            if (_cancelledBy is null && await store.GetCancelRequestAsync(runId, CancellationToken.None) is { } requester)
            {
                _cancelledBy = requester;
                await cancel.CancelAsync();
            }
        }
        catch (ObjectDisposedException)
        {
            // the run finished meanwhile
        }
        catch (Exception)
        {
            // The store is unreachable: keep running; the next tick tries again.
        }
        finally
        {
            Volatile.Write(ref _renewing, 0);
        }
    }
}
