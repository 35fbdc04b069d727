using Syncplane.Config;

namespace Syncplane.Engine.Policies;

/// <summary>The bucket a target's upstream calls are debited from.</summary>
/// <param name="Key">A store key: <c>target/NAME</c> for a target's own limit, <c>shared/NAME</c> for a named budget.</param>
/// <param name="Limit">The budget.</param>
internal sealed record RateLimitBucketRef(string Key, RateLimit Limit);

/// <summary>
/// Maps targets to their token buckets — their own (<c>rate_limit: 180/hour</c>) or a named one
/// shared with other targets (<c>rate_limit: ads-api</c>) — and holds the buckets' current state.
/// </summary>
/// <remarks>
/// Thread-safe. A bucket starts full the first time it is used unless <see cref="Restore"/> gave it a
/// persisted state; <see cref="States"/> is what a store saves so limits hold across restarts.
/// </remarks>
internal sealed class RateLimitRegistry
{
    private readonly Dictionary<string, RateLimitBucketRef> _byTarget = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TokenBucket> _buckets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TokenBucketState> _restored = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    /// <summary>Builds the map.</summary>
    /// <param name="shared">Named budgets (the top-level <c>rate_limits</c>).</param>
    /// <param name="targets">Each target's own limit or the name of a shared budget (at most one of the two).</param>
    /// <exception cref="ArgumentException">A target names a budget that <paramref name="shared"/> does not declare.</exception>
    public RateLimitRegistry(IReadOnlyDictionary<string, RateLimit> shared, IEnumerable<(string Target, RateLimit? Own, string? Shared)> targets)
    {
        ArgumentNullException.ThrowIfNull(shared);
        ArgumentNullException.ThrowIfNull(targets);
        foreach (var (target, own, name) in targets)
        {
            if (own is not null)
            {
                _byTarget[target] = new RateLimitBucketRef("target/" + target, own);
            }
            else if (name is not null)
            {
                _byTarget[target] = shared.TryGetValue(name, out var limit)
                    ? new RateLimitBucketRef("shared/" + name, limit)
                    : throw new ArgumentException($"target '{target}' uses rate limit '{name}', which rate_limits does not declare", nameof(targets));
            }
        }
    }

    /// <summary>The registry for a loaded config.</summary>
    public static RateLimitRegistry FromConfig(SyncplaneConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new(config.RateLimits, config.Targets.Select(t => (t.Name, t.RateLimit, t.RateLimitBucket)));
    }

    /// <summary>The bucket <paramref name="target"/> is debited from, or null when it has no limit.</summary>
    public RateLimitBucketRef? BucketOf(string target) => _byTarget.GetValueOrDefault(target);

    /// <summary>Every bucket's state as of its last use, keyed by <see cref="RateLimitBucketRef.Key"/>.</summary>
    public IReadOnlyDictionary<string, TokenBucketState> States
    {
        get
        {
            lock (_gate)
            {
                return _buckets.ToDictionary(b => b.Key, b => b.Value.State, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>Seeds a bucket with a persisted state; ignored for keys no target uses.</summary>
    public void Restore(string key, TokenBucketState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        lock (_gate)
        {
            if (_byTarget.Values.FirstOrDefault(b => b.Key == key) is { } bucket)
            {
                _buckets[key] = new TokenBucket(bucket.Limit, state);
            }
        }
    }

    /// <summary>
    /// Debits <paramref name="count"/> calls of <paramref name="target"/> at <paramref name="now"/>.
    /// Null when the target has no limit (always allowed); otherwise granted, or when to try again.
    /// </summary>
    public TakeResult? TryTake(string target, DateTimeOffset now, long count = 1)
    {
        if (BucketOf(target) is not { } bucketRef)
        {
            return null;
        }

        lock (_gate)
        {
            var bucket = _buckets.TryGetValue(bucketRef.Key, out var current) ? current : TokenBucket.Full(bucketRef.Limit, now);
            var result = bucket.TryTake(now, count);
            _buckets[bucketRef.Key] = result.Bucket;
            return result;
        }
    }
}
