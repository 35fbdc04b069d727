namespace Syncplane.Storage;

/// <summary>
/// Wakes this process's idle workers when work may have arrived: a broadcast to every current waiter,
/// remembered once when nobody is waiting so a pulse between a worker's empty claim and its wait is not lost.
/// </summary>
/// <remarks>A wake-up is a hint, never a promise: a woken worker claims and may find nothing.</remarks>
internal sealed class QueueSignal
{
    private readonly object _gate = new();
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _waiters;
    private bool _pending;
    private long _pulses;

    /// <summary>How many pulses so far: a reader that saw the same count twice saw no pulse in between.</summary>
    public long Pulses => Interlocked.Read(ref _pulses);

    /// <summary>Wakes every waiter, or the next one when none waits.</summary>
    public void Pulse()
    {
        TaskCompletionSource fired;
        Interlocked.Increment(ref _pulses);
        lock (_gate)
        {
            fired = _next;
            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _pending = _waiters == 0;
        }

        fired.TrySetResult();
    }

    /// <summary>Returns at the next pulse (at once if one is pending) or after <paramref name="maxWait"/> on <paramref name="time"/>.</summary>
    public async Task WaitAsync(TimeSpan maxWait, TimeProvider time, CancellationToken cancellationToken)
    {
        Task pulse;
        lock (_gate)
        {
            if (_pending)
            {
                _pending = false;
                return;
            }

            pulse = _next.Task;
            _waiters++;
        }

        try
        {
            using var stopDelay = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var delay = Task.Delay(maxWait, time, stopDelay.Token);
            await Task.WhenAny(pulse, delay);
            await stopDelay.CancelAsync();
            cancellationToken.ThrowIfCancellationRequested();
        }
        finally
        {
            lock (_gate)
            {
                _waiters--;
            }
        }
    }
}
