using Npgsql;

namespace Syncplane.Storage.Postgres;

/// <summary>
/// One dedicated connection that <c>LISTEN</c>s on the store's channels (<see cref="QueueChannel"/>,
/// <see cref="EventsChannel"/>) and pulses the matching <see cref="QueueSignal"/> for each notification; it
/// reconnects when the connection drops (and pulses every signal then, since notifications sent while it was
/// away are lost).
/// </summary>
/// <remarks>
/// Outside the store's pool: a listening connection must not be handed to other calls. Npgsql's keepalive
/// makes a silently dead connection fail instead of waiting forever.
/// </remarks>
internal sealed class PostgresListener : IAsyncDisposable
{
    /// <summary>The channel every enqueue and requeue notifies on commit.</summary>
    public const string QueueChannel = "syncplane_queue";

    /// <summary>The channel every appended event notifies on commit.</summary>
    public const string EventsChannel = "syncplane_events";

    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(1);

    private readonly NpgsqlDataSource _dataSource;
    private readonly IReadOnlyDictionary<string, QueueSignal> _signals;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _firstAttempt = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _gate = new();
    private Task? _loop;

    public PostgresListener(NpgsqlConnectionStringBuilder connection, IReadOnlyDictionary<string, QueueSignal> signals, TimeProvider time)
    {
        var builder = new NpgsqlConnectionStringBuilder(connection.ConnectionString)
        {
            Pooling = false,
            KeepAlive = 10,
            ApplicationName = (connection.ApplicationName ?? "syncplane") + " listener",
        };
        _dataSource = NpgsqlDataSource.Create(builder);
        _signals = signals;
        _time = time;
    }

    /// <summary>Starts listening on first use; returns once the first LISTEN succeeded or failed (waiters then fall back to their timeout).</summary>
    public Task EnsureStartedAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _loop ??= Task.Run(() => ListenAsync(_stop.Token), CancellationToken.None);
        }

        return _firstAttempt.Task.WaitAsync(cancellationToken);
    }

    private async Task ListenAsync(CancellationToken stop)
    {
        var reconnecting = false;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(stop);
                connection.Notification += (_, e) =>
                {
                    if (_signals.TryGetValue(e.Channel, out var signal))
                    {
                        signal.Pulse();
                    }
                };
                foreach (var channel in _signals.Keys)
                {
                    await using var listen = new NpgsqlCommand($"LISTEN {channel}", connection);
                    await listen.ExecuteNonQueryAsync(stop);
                }

                _firstAttempt.TrySetResult();
                if (reconnecting)
                {
                    foreach (var signal in _signals.Values)
                    {
                        signal.Pulse();
                    }
                }

                while (true)
                {
                    await connection.WaitAsync(stop);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
            {
                _firstAttempt.TrySetResult();
                reconnecting = true;
                try
                {
                    await Task.Delay(ReconnectDelay, _time, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        Task? loop;
        lock (_gate)
        {
            loop = _loop;
        }

        if (loop is not null)
        {
            await loop;
        }

        _stop.Dispose();
        await _dataSource.DisposeAsync();
    }
}
