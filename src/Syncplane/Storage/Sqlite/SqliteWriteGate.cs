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
internal sealed class SqliteWriteGate(TimeSpan timeout) : IDisposable
{
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly ConditionalWeakTable<DbConnection, object> _holders = [];

    /// <summary>Waits for this process's turn to write on <paramref name="connection"/>; released when the connection closes.</summary>
    public async ValueTask EnterAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        if (_holders.TryGetValue(connection, out _))
        {
            return; // a second transaction on a connection that already has the turn
        }

        var started = Telemetry.StageTimes.Start();
        if (!await _turn.WaitAsync(timeout, cancellationToken))
        {
            throw new TimeoutException($"the database stayed locked by another write of this process for {timeout.TotalSeconds:0} s");
        }

        Telemetry.StageTimes.Since("sqlite.gate_wait", started);
        _holders.Add(connection, this);
        connection.StateChange += ReleaseOnClose;
    }

    private void ReleaseOnClose(object? sender, StateChangeEventArgs e)
    {
        if (e.CurrentState != ConnectionState.Closed || sender is not DbConnection connection || !_holders.Remove(connection))
        {
            return;
        }

        connection.StateChange -= ReleaseOnClose;
        try
        {
            _turn.Release();
        }
        catch (ObjectDisposedException)
        {
            // The store was disposed while this connection wrote: nobody waits for the turn any more.
        }
    }

    public void Dispose() => _turn.Dispose();
}
