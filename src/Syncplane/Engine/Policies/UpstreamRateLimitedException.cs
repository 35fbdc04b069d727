namespace Syncplane.Engine.Policies;

/// <summary>
/// Thrown by a connector when its upstream refuses a call for being too frequent (HTTP 429, or a
/// 503 with <c>Retry-After</c>). The engine postpones the run by <see cref="RetryAfter"/> without
/// spending an attempt.
/// </summary>
public sealed class UpstreamRateLimitedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was refused, e.g. "GET https://ads.example.com/v1/insights returned 429".</param>
    /// <param name="retryAfter">The upstream's <c>Retry-After</c>, when it sent one.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public UpstreamRateLimitedException(string message, TimeSpan? retryAfter = null, Exception? innerException = null)
        : base(message, innerException)
    {
        if (retryAfter is { } after && after < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(retryAfter), after, "Retry-After cannot be negative");
        }

        RetryAfter = retryAfter;
    }

    /// <summary>How long the upstream asked us to wait; null when it did not say.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Whose limit it is, for messages: the upstream (<c>https://ads.example.com (429)</c>) or our own <c>rate_limit</c> (<c>rate limit 'ads-api' (180/hour)</c>); null when unknown.</summary>
    public string? LimitedBy { get; init; }

    /// <summary>True when our own <c>rate_limit</c> is spent rather than the upstream refusing a call.</summary>
    public bool IsOwnLimit { get; init; }
}
