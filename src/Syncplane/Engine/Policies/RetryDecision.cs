using Syncplane.Config;

namespace Syncplane.Engine.Policies;

/// <summary>What to do after an attempt failed.</summary>
internal enum RetryOutcome
{
    /// <summary>Run again at <see cref="RetryDecision.RetryAt"/>; the failed attempt counts.</summary>
    Retry,

    /// <summary>Run again at <see cref="RetryDecision.RetryAt"/>; the upstream asked us to wait, so the attempt does not count.</summary>
    Postpone,

    /// <summary>Give up: the run is failed and kept for inspection and a manual retry.</summary>
    DeadLetter,
}

/// <summary>The decision for a failed attempt: retry when, postpone, or dead-letter, and why.</summary>
/// <param name="Outcome">Retry, postpone or dead-letter.</param>
/// <param name="RetryAt">When to run again; null for <see cref="RetryOutcome.DeadLetter"/>.</param>
/// <param name="NextAttempt">The attempt number the next run will carry (unchanged by a postponement).</param>
/// <param name="Kind">How the error was classified.</param>
/// <param name="Reason">A sentence for the run record and the log.</param>
internal sealed record RetryDecision(RetryOutcome Outcome, DateTimeOffset? RetryAt, int NextAttempt, ErrorKind Kind, string Reason)
{
    /// <summary>Longest postponement honoured from a <c>Retry-After</c>; a larger value is capped here.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromHours(24);

    /// <summary>
    /// Decides what follows failed attempt number <paramref name="attempt"/> (1 for the first run).
    /// </summary>
    /// <remarks>
    /// <see cref="RetryPolicy.Attempts"/> counts every attempt, the first included, as seed 001's
    /// <c>for attempt in range(MAX_RETRIES)</c> does: with 3 attempts, a run is tried three times and
    /// waits <c>Backoff[0]</c> and <c>Backoff[1]</c> in between. The wait after attempt n is
    /// <c>Backoff[n-1]</c>, and attempts beyond the list reuse its last delay. Permanent errors
    /// dead-letter at once. A rate-limited error postpones by its <c>Retry-After</c> (capped at
    /// <see cref="MaxRetryAfter"/>; the attempt's backoff delay when absent) and keeps the attempt number.
    /// </remarks>
    /// <param name="policy">The target's retry policy.</param>
    /// <param name="attempt">The attempt that failed.</param>
    /// <param name="kind">How its error was classified.</param>
    /// <param name="now">The current time.</param>
    /// <param name="retryAfter">A rate limit's wait, when known.</param>
    /// <param name="limited">The rate-limit error, when there is one: the postponement's reason names whose limit it was.</param>
    public static RetryDecision Decide(RetryPolicy policy, int attempt, ErrorKind kind, DateTimeOffset now, TimeSpan? retryAfter = null, UpstreamRateLimitedException? limited = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        switch (kind)
        {
            case ErrorKind.Permanent:
                return new(RetryOutcome.DeadLetter, null, attempt, kind, "the error is permanent; retrying cannot fix it");
            case ErrorKind.RateLimited:
                var wait = retryAfter is { } after ? (after > MaxRetryAfter ? MaxRetryAfter : after) : Delay(policy, attempt);
                return new(RetryOutcome.Postpone, now + wait, attempt, kind, $"{RateLimitReason(limited, retryAfter is not null, wait)}; attempt {attempt} is not spent");
        }

        if (attempt >= policy.Attempts)
        {
            return new(RetryOutcome.DeadLetter, null, attempt, kind, $"attempt {attempt} of {policy.Attempts} failed; no attempts left");
        }

        var delay = Delay(policy, attempt);
        return new(RetryOutcome.Retry, now + delay, attempt + 1, kind, $"attempt {attempt} of {policy.Attempts} failed; retrying in {DurationParser.Format(delay)}");
    }

    /// <summary>Classifies <paramref name="error"/> with <see cref="ErrorClassifier"/> and decides; a <c>Retry-After</c> is read from an <see cref="UpstreamRateLimitedException"/> anywhere in the chain.</summary>
    public static RetryDecision Decide(RetryPolicy policy, int attempt, Exception error, DateTimeOffset now)
    {
        var limited = RateLimitOf(error);
        return Decide(policy, attempt, ErrorClassifier.Classify(error), now, limited?.RetryAfter, limited);
    }

    /// <summary>
    /// Whose limit stops the run and for how long: "waiting for rate limit 'ads-api' (180/hour): next token in 40s" (ours),
    /// or "rate limited by https://ads.example.com (429); waiting 2m (Retry-After)" (the upstream's).
    /// </summary>
    public static string RateLimitReason(UpstreamRateLimitedException? limited, bool saidRetryAfter, TimeSpan wait)
    {
        var how = RunWaits.Format(wait);
        return limited is { IsOwnLimit: true, LimitedBy: { } ours }
            ? $"waiting for {ours}: next token in {how}"
            : $"rate limited by {limited?.LimitedBy ?? "the upstream"}; waiting {how} ({(saidRetryAfter ? "Retry-After" : "no Retry-After: the retry backoff")})";
    }

    /// <summary>The wait after failed attempt <paramref name="attempt"/>: <c>Backoff[attempt-1]</c>, or the last entry beyond the list (zero when it is empty).</summary>
    public static TimeSpan Delay(RetryPolicy policy, int attempt)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy.Backoff.Count == 0 ? TimeSpan.Zero : policy.Backoff[Math.Min(attempt, policy.Backoff.Count) - 1];
    }

    /// <summary>The rate-limit error anywhere in the chain (of several, the one asking for the longest wait); null when none.</summary>
    public static UpstreamRateLimitedException? RateLimitOf(Exception? error)
    {
        for (; error is not null; error = error.InnerException)
        {
            if (error is UpstreamRateLimitedException limited)
            {
                return limited;
            }

            if (error is AggregateException aggregate)
            {
                return aggregate.InnerExceptions.Select(RateLimitOf).OfType<UpstreamRateLimitedException>().MaxBy(l => l.RetryAfter);
            }
        }

        return null;
    }
}
