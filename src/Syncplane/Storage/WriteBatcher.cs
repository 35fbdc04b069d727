namespace Syncplane.Storage;

/// <summary>
/// Group commit: one writer at a time, and every request that arrives while it writes goes into its next
/// transaction together. A lone request is written at once; under load, one commit (one fsync on SQLite, one
/// round trip for BEGIN/COMMIT and one row lock on PostgreSQL) serves many requests instead of each paying its own.
/// </summary>
/// <remarks>
/// Each caller's task completes when the transaction holding its request has committed (or failed: then every
/// request in that batch fails with the same exception and nothing of it was written).
/// </remarks>
/// <param name="writers">How many batches may be on their way at once: with more than one, the next batch is written
/// while the last still waits for something the store does after its write (SQLite: the fsync).</param>
internal sealed class WriteBatcher<TRequest, TResult>(Func<IReadOnlyList<TRequest>, Task<IReadOnlyList<TResult>>> writeAsync, int maxBatch = 256, int writers = 1)
{
    private readonly Lock _gate = new();
    private readonly Queue<(TRequest Request, TaskCompletionSource<TResult> Done, long Queued)> _pending = new();
    private int _writing;

    /// <summary>Queues <paramref name="request"/> for the next transaction; completes once that transaction committed.</summary>
    public Task<TResult> WriteAsync(TRequest request)
    {
        var done = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool start;
        lock (_gate)
        {
            _pending.Enqueue((request, done, Telemetry.StageTimes.Start()));
            start = _writing < writers;
            if (start)
            {
                _writing++;
            }
        }

        if (start)
        {
            _ = Task.Run(DrainAsync);
        }

        return done.Task;
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            var batch = new List<(TRequest Request, TaskCompletionSource<TResult> Done, long Queued)>();
            lock (_gate)
            {
                while (batch.Count < maxBatch && _pending.TryDequeue(out var next))
                {
                    batch.Add(next);
                }

                if (batch.Count == 0)
                {
                    _writing--;
                    return;
                }
            }

            try
            {
                foreach (var queued in batch)
                {
                    Telemetry.StageTimes.Since("batch.wait", queued.Queued); // for the batch ahead, or for a thread to write this one
                }

                var started = Telemetry.StageTimes.Start();
                var results = await writeAsync([.. batch.Select(b => b.Request)]);
                Telemetry.StageTimes.Since("batch.write", started);
                Telemetry.StageTimes.Record("batch.size", batch.Count);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Done.TrySetResult(results[i]);
                }
            }
            catch (Exception ex)
            {
                foreach (var (_, done, _) in batch)
                {
                    done.TrySetException(ex);
                }
            }
        }
    }
}
