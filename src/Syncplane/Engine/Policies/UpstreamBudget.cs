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
internal sealed class UpstreamBudget(ISyncStore store, RateLimitBucketRef bucket, TimeProvider time, IRunLog log, bool canPostpone) : IUpstreamBudget
{
    /// <summary>Longest wait before a queued run's first call that is waited out in the run rather than postponed.</summary>
    public static readonly TimeSpan MaxWaitBeforeFirstCall = TimeSpan.FromSeconds(30);

    private int _calls;

    /// <summary>The budget of <paramref name="target"/>: the unlimited one when it has no rate limit.</summary>
    public static IUpstreamBudget For(RateLimitRegistry limits, string target, ISyncStore store, TimeProvider time, IRunLog log, bool canPostpone) =>
        limits.BucketOf(target) is { } bucket ? new UpstreamBudget(store, bucket, time, log, canPostpone) : UnlimitedBudget.Instance;

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
                throw new UpstreamRateLimitedException($"{Describe()} is spent; the next call is allowed at {retryAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z", wait);
            }

            if (wait > TimeSpan.Zero)
            {
                log.Info($"{Describe()} is spent; waiting {DurationParser.Format(TimeSpan.FromSeconds(Math.Ceiling(wait.TotalSeconds)))} for the next call");
                await Task.Delay(wait, time, cancellationToken);
            }
        }
    }

    private string Describe() => bucket.Key.StartsWith("shared/", StringComparison.Ordinal)
        ? $"rate limit {bucket.Key["shared/".Length..]} ({bucket.Limit})"
        : $"rate limit {bucket.Limit}";
}
