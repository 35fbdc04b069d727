namespace Syncplane.Engine.Policies;

/// <summary>The result of <see cref="TokenBucket.TryTake"/>.</summary>
/// <param name="Granted">True when the tokens were taken.</param>
/// <param name="Bucket">The bucket after the call (refilled, and debited when granted); store it.</param>
/// <param name="RetryAt">When not granted: the first instant the same request would be granted.</param>
internal readonly record struct TakeResult(bool Granted, TokenBucket Bucket, DateTimeOffset? RetryAt);

/// <summary>
/// A token bucket as an immutable value: <see cref="RateLimit.Capacity"/> tokens at most, refilled
/// continuously at <see cref="RateLimit.Refill"/> per <see cref="RateLimit.Period"/>.
/// </summary>
/// <remarks>
/// Arithmetic is exact: whole tokens are kept, and the fraction of the next token is the time since
/// <see cref="TokenBucketState.LastRefill"/>, which only advances by the exact time of the tokens
/// credited (in 128-bit integers, so no drift builds up over hours). Over any span of time t,
/// at most <c>Capacity + floor(t × Refill / Period)</c> tokens are granted. A clock that
/// steps backwards (another node) refills nothing.
/// </remarks>
internal readonly record struct TokenBucket
{
    /// <summary>Creates a bucket from a limit and a persisted state (tokens above the capacity, after a limit was lowered, are dropped).</summary>
    public TokenBucket(RateLimit limit, TokenBucketState state)
    {
        ArgumentNullException.ThrowIfNull(limit);
        ArgumentNullException.ThrowIfNull(state);
        Limit = limit;
        State = state with { Tokens = Math.Clamp(state.Tokens, 0, limit.Capacity) };
    }

    /// <summary>The budget.</summary>
    public RateLimit Limit { get; }

    /// <summary>Tokens and refill instant, for the store.</summary>
    public TokenBucketState State { get; }

    /// <summary>A full bucket, as a new target or shared budget starts.</summary>
    public static TokenBucket Full(RateLimit limit, DateTimeOffset now) => new(limit, new TokenBucketState(limit.Capacity, now));

    /// <summary>The bucket brought up to <paramref name="now"/>: tokens earned since the last refill are added.</summary>
    public TokenBucket Refill(DateTimeOffset now)
    {
        var (tokens, last) = (State.Tokens, State.LastRefill);
        if (now <= last)
        {
            return this;
        }

        if (tokens >= Limit.Capacity)
        {
            return new(Limit, new TokenBucketState(Limit.Capacity, now)); // a full bucket banks no partial credit
        }

        Int128 elapsed = (now - last).Ticks;
        var earned = elapsed * Limit.Refill / Limit.Period.Ticks;
        if (tokens + earned >= Limit.Capacity)
        {
            return new(Limit, new TokenBucketState(Limit.Capacity, now));
        }

        // Advance by exactly the time the earned tokens cost, rounded up so no credit is invented.
        var cost = CeilDiv(earned * Limit.Period.Ticks, Limit.Refill);
        return new(Limit, new TokenBucketState(tokens + (long)earned, last + TimeSpan.FromTicks((long)cost)));
    }

    /// <summary>Takes <paramref name="count"/> tokens at <paramref name="now"/> if the bucket has them; otherwise says when it will.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is below 1 or above the capacity (it could never be granted).</exception>
    public TakeResult TryTake(DateTimeOffset now, long count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Limit.Capacity);
        var bucket = Refill(now);
        var state = bucket.State;
        if (state.Tokens >= count)
        {
            return new(true, new TokenBucket(Limit, state with { Tokens = state.Tokens - count }), null);
        }

        // The k-th missing token arrives once (k × Period / Refill) has passed since LastRefill.
        Int128 missing = count - state.Tokens;
        var wait = CeilDiv(missing * Limit.Period.Ticks, Limit.Refill);
        var at = state.LastRefill + TimeSpan.FromTicks((long)wait);
        return new(false, bucket, at > now ? at : now + TimeSpan.FromTicks(1));
    }

    private static Int128 CeilDiv(Int128 a, Int128 b) => (a + b - 1) / b;
}
