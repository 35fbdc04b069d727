using Syncplane.Storage;

namespace Syncplane.Engine;

/// <summary>A run a <see cref="Worker"/> is executing: its lease, its cancellation, and why it was cancelled.</summary>
internal sealed class ActiveRun(RunLease lease) : IDisposable
{
    private int _renewing;
    private volatile bool _fencedOut;
    private volatile bool _released;
    private volatile string? _cancelledBy;

    public RunLease Lease { get; } = lease;

    public CancellationTokenSource Cancellation { get; } = new();

    public Task? Task { get; set; }

    /// <summary>A renewal was refused: another worker owns the run now.</summary>
    public bool FencedOut => _fencedOut;

    /// <summary>Cancelled by a shutdown whose grace period ran out: goes back to the queue.</summary>
    public bool Released => _released;

    /// <summary>Who asked to cancel the run through the store (e.g. <c>token:NAME</c>); null when nobody did.</summary>
    public string? CancelledBy => _cancelledBy;

    /// <summary>A user asked to cancel the run: it stops and ends as cancelled, without a retry.</summary>
    public void CancelBy(string requester)
    {
        _cancelledBy = requester;
        Cancel();
    }

    public void FenceOut()
    {
        _fencedOut = true;
        Cancel();
    }

    public void Release()
    {
        _released = true;
        Cancel();
    }

    public bool TryEnterRenewal() => Interlocked.CompareExchange(ref _renewing, 1, 0) == 0;

    public void ExitRenewal() => Volatile.Write(ref _renewing, 0);

    public void Dispose() => Cancellation.Dispose();

    private void Cancel()
    {
        try
        {
            Cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // finished meanwhile
        }
    }
}
