using Syncplane.Config;
using Syncplane.Connectors;
using Syncplane.Storage;

namespace Syncplane.Engine.Policies;

/// <summary>
/// A target's <see cref="IUpstreamBudget"/> for one run: each call takes a token from its bucket in the
/// store, so every node and every restart spend from the same budget.
/// </summary>
/// <remarks>
/// When the bucket is empty the run waits for the next token, cancellable, while the worker keeps renewing its
/// lease. One exception keeps worker slots free: a queued run whose wait is longer than
/// <see cref="MaxWaitBeforeFirstCall"/> and that has not called the upstream yet throws
/// <see cref="UpstreamRateLimitedException"/> with the wait, and the worker postpones it to the token's arrival
/// without spending an attempt (a 5/hour bucket would otherwise hold a slot for 12 minutes). Once a run has
/// called the upstream it always waits: postponing it would throw away the calls it made, and a run that
/// needs more calls than the bucket's burst would then never finish. Such a run is bounded by the target's
/// <c>timeout</c>. A direct run (<c>syncplane run</c>) always waits: a person is waiting, not a worker slot.
/// </remarks>
/// <param name="store">Where the bucket lives.</param>
/// <param name="bucket">The bucket calls are debited from.</param>
/// <param name="time">The clock.</param>
/// <param name="log">The run's log.</param>
/// <param name="canPostpone">True for a queued run (see the remarks).</param>
/// <param name="waits">Records a wait at once (the run's log and status say "waiting for rate limit …"); null only logs it.</param>
internal sealed class UpstreamBudget(ISyncStore store, RateLimitBucketRef bucket, TimeProvider time, IRunLog log, bool canPostpone, RunWaits? waits = null) : IUpstreamBudget
{
    /// <summary>Longest wait before a queued run's first call that is waited out in the run rather than postponed.</summary>
    public static readonly TimeSpan MaxWaitBeforeFirstCall = TimeSpan.FromSeconds(30);

    private int _calls;

    /// <summary>The budget of <paramref name="target"/>: the unlimited one when it has no rate limit.</summary>
    public static IUpstreamBudget For(RateLimitRegistry limits, string target, ISyncStore store, TimeProvider time, IRunLog log, bool canPostpone, RunWaits? waits = null) =>
        limits.BucketOf(target) is { } bucket ? new UpstreamBudget(store, bucket, time, log, canPostpone, waits) : UnlimitedBudget.Instance;

    /// <summary>Calls this run has taken so far.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <inheritdoc />
    public async ValueTask TakeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var take = await store.TakeTokensAsync(bucket.Key, bucket.Limit, 1, cancellationToken);
            if (take.Granted)
            {
                Interlocked.Increment(ref _calls);
                return;
            }

            var retryAt = take.RetryAt!.Value;
            var wait = retryAt - time.GetUtcNow();
            if (canPostpone && Calls == 0 && wait > MaxWaitBeforeFirstCall)
            {
                throw new UpstreamRateLimitedException($"{Describe()} is spent; the next call is allowed at {retryAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z", wait)
                {
                    LimitedBy = Describe(),
                    IsOwnLimit = true,
                };
            }

            if (wait <= TimeSpan.Zero)
            {
                continue;
            }

            var reason = $"waiting for {Describe()}: next token in {RunWaits.Format(wait)}";
            if (waits is not null)
            {
                await waits.WaitAsync(reason, retryAt, cancellationToken);
            }
            else
            {
                log.Info(reason);
                await RunWaits.DelayUntilAsync(retryAt, time, cancellationToken);
            }
        }
    }

    /// <summary>Our limit, by name: <c>rate limit 'ads-api' (180/hour)</c>, or <c>rate limit of target 'docs' (10/minute)</c>.</summary>
    private string Describe() => bucket.Key.StartsWith("shared/", StringComparison.Ordinal)
        ? $"rate limit '{bucket.Key["shared/".Length..]}' ({bucket.Limit})"
        : $"rate limit of target '{bucket.Key["target/".Length..]}' ({bucket.Limit})";
}
