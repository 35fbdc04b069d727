using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;

namespace Syncplane.Storage.Sqlite;

/// <summary>
/// This process's writers take turns here before <c>BEGIN IMMEDIATE</c>, so they queue on an async lock and start the
/// moment the previous transaction ends, instead of polling SQLite's busy handler: that handler sleeps in steps that
/// grow to 100 ms while blocking a pool thread, so a writer that lost a race could wait a tenth of a second after the
/// lock was free. A connection holds its turn until it closes. Other processes on the same file still meet
/// <c>busy_timeout</c>.
/// </summary>
/// <remarks>
/// Turns go in arrival order, except that an urgent writer (a batch of webhook deliveries, whose senders wait for the
/// answer) goes before the others waiting; never two urgent turns in a row while another writer waits, so the workers'
/// claims, completions and lease renewals still get every other turn however busy the intake is.
/// </remarks>
internal sealed class SqliteWriteGate(TimeSpan timeout) : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Queue<TaskCompletionSource> _urgent = new();
    private readonly Queue<TaskCompletionSource> _others = new();
    private readonly ConditionalWeakTable<DbConnection, StrongBox<long>> _holders = [];
    private bool _taken;
    private bool _lastWasUrgent;
    private bool _disposed;

    /// <summary>Waits for this process's turn to write on <paramref name="connection"/>; released when the connection closes.</summary>
    public ValueTask EnterAsync(DbConnection connection, CancellationToken cancellationToken) => EnterAsync(connection, urgent: false, cancellationToken);

    /// <summary>As <see cref="EnterAsync(DbConnection, CancellationToken)"/>; an <paramref name="urgent"/> writer goes before the others waiting.</summary>
    public async ValueTask EnterAsync(DbConnection connection, bool urgent, CancellationToken cancellationToken)
    {
        if (_holders.TryGetValue(connection, out _))
        {
            return; // a second transaction on a connection that already has the turn
        }

        var started = Telemetry.StageTimes.Start();
        TaskCompletionSource? waiter = null;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_taken)
            {
                waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                (urgent ? _urgent : _others).Enqueue(waiter);
            }
            else
            {
                _taken = true;
                _lastWasUrgent = urgent;
            }
        }

        if (waiter is not null)
        {
            try
            {
                await waiter.Task.WaitAsync(timeout, cancellationToken);
            }
            catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
            {
                // Given up: unless the turn was handed over meanwhile, nobody will hand it to this waiter any more.
                if (!waiter.TrySetCanceled(CancellationToken.None))
                {
                    Release();
                }

                if (ex is TimeoutException)
                {
                    throw new TimeoutException($"the database stayed locked by another write of this process for {timeout.TotalSeconds:0} s");
                }

                throw;
            }
        }

        Telemetry.StageTimes.Since(urgent ? "sqlite.gate_wait.intake" : "sqlite.gate_wait", started);
        _holders.Add(connection, new StrongBox<long>(Telemetry.StageTimes.Start()));
        connection.StateChange += ReleaseOnClose;
    }

    private void ReleaseOnClose(object? sender, StateChangeEventArgs e)
    {
        if (e.CurrentState != ConnectionState.Closed || sender is not DbConnection connection || !_holders.TryGetValue(connection, out var held))
        {
            return;
        }

        _holders.Remove(connection);
        connection.StateChange -= ReleaseOnClose;
        Telemetry.StageTimes.Since("sqlite.write_held", held.Value);
        Release();
    }

    // Hands the turn to the next waiter still waiting: urgent first, but not twice in a row while others wait.
    private void Release()
    {
        lock (_lock)
        {
            while (true)
            {
                var urgent = _urgent.Count > 0 && !(_lastWasUrgent && _others.Count > 0);
                if (!(urgent ? _urgent : _others).TryDequeue(out var next))
                {
                    _taken = false;
                    return;
                }

                if (next.TrySetResult())
                {
                    _lastWasUrgent = urgent;
                    return;
                }
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
        }
    }
}
