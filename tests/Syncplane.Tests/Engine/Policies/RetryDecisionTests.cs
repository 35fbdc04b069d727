using Syncplane.Config;
using Syncplane.Engine.Policies;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Engine.Policies;

public class RetryDecisionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 31, 23, 59, 50, TimeSpan.Zero);

    [Fact]
    public void Decide_DefaultPolicy_WaitsFiveThenThirtySecondsThenDeadLetters()
    {
        var first = RetryDecision.Decide(RetryPolicy.Default, 1, ErrorKind.Transient, T0);
        var second = RetryDecision.Decide(RetryPolicy.Default, 2, ErrorKind.Transient, T0);
        var third = RetryDecision.Decide(RetryPolicy.Default, 3, ErrorKind.Transient, T0);

        Assert.Equal((RetryOutcome.Retry, T0.AddSeconds(5), 2), (first.Outcome, first.RetryAt, first.NextAttempt));
        Assert.Equal((RetryOutcome.Retry, T0.AddSeconds(30), 3), (second.Outcome, second.RetryAt, second.NextAttempt));
        Assert.Equal((RetryOutcome.DeadLetter, (DateTimeOffset?)null), (third.Outcome, third.RetryAt));
        Assert.Contains("attempt 3 of 3", third.Reason);
    }

    [Fact]
    public void Decide_AttemptsBeyondTheBackoffList_ReuseTheLastDelay()
    {
        var policy = new RetryPolicy(6, [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10)]);

        var delays = Enumerable.Range(1, 5).Select(a => RetryDecision.Decide(policy, a, ErrorKind.Transient, T0).RetryAt - T0).ToList();

        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10)], delays);
        Assert.Equal(RetryOutcome.DeadLetter, RetryDecision.Decide(policy, 6, ErrorKind.Transient, T0).Outcome);
    }

    [Fact]
    public void Decide_PermanentError_DeadLettersOnTheFirstAttempt()
    {
        var decision = RetryDecision.Decide(RetryPolicy.Default, 1, new ConfigException([new ConfigError("f", 1, 1, "bad")]), T0);

        Assert.Equal(RetryOutcome.DeadLetter, decision.Outcome);
        Assert.Equal(ErrorKind.Permanent, decision.Kind);
    }

    [Fact]
    public void Decide_RateLimitedWithRetryAfter_PostponesWithoutSpendingTheAttempt()
    {
        var error = new UpstreamRateLimitedException("429 from ads", TimeSpan.FromSeconds(90));

        var decision = RetryDecision.Decide(RetryPolicy.Default, 3, error, T0); // even on the last attempt

        Assert.Equal((RetryOutcome.Postpone, T0.AddSeconds(90), 3), (decision.Outcome, decision.RetryAt, decision.NextAttempt));
    }

    [Fact]
    public void Decide_RateLimitedInsideAWrapper_StillReadsRetryAfter()
    {
        var error = new InvalidOperationException("source failed", new UpstreamRateLimitedException("429", TimeSpan.FromMinutes(2)));

        var decision = RetryDecision.Decide(RetryPolicy.Default, 1, error, T0);

        Assert.Equal((RetryOutcome.Postpone, T0.AddMinutes(2)), (decision.Outcome, decision.RetryAt));
    }

    [Fact]
    public void Decide_RateLimitedWithoutRetryAfter_WaitsTheAttemptsBackoff() =>
        Assert.Equal(T0.AddSeconds(30), RetryDecision.Decide(RetryPolicy.Default, 2, new UpstreamRateLimitedException("429"), T0).RetryAt);

    [Fact]
    public void Decide_AbsurdRetryAfter_IsCapped() =>
        Assert.Equal(T0 + RetryDecision.MaxRetryAfter, RetryDecision.Decide(RetryPolicy.Default, 1, ErrorKind.RateLimited, T0, TimeSpan.FromDays(30)).RetryAt);

    [Fact]
    public void Decide_FailingRunOnAFakeClock_RunsAtTheBackoffTimesThenStops()
    {
        var clock = new FakeTimeProvider(T0);
        var policy = new RetryPolicy(4, [TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5)]);
        var ranAt = new List<DateTimeOffset>();
        var attempt = 1;
        var rateLimitedOnce = false;
        while (true)
        {
            ranAt.Add(clock.GetUtcNow());
            Exception error = attempt == 2 && !rateLimitedOnce
                ? new UpstreamRateLimitedException("slow down", TimeSpan.FromSeconds(7))
                : new IOException("connection reset");
            rateLimitedOnce |= error is UpstreamRateLimitedException;
            var decision = RetryDecision.Decide(policy, attempt, error, clock.GetUtcNow());
            if (decision.RetryAt is not { } at)
            {
                break;
            }

            clock.Advance(at - clock.GetUtcNow());
            attempt = decision.NextAttempt;
        }

        // 1st at T0; 2nd +5s is rate limited and postponed 7s without counting; then +30s, +5m; the 4th attempt is the last.
        Assert.Equal([T0, T0.AddSeconds(5), T0.AddSeconds(12), T0.AddSeconds(42), T0.AddSeconds(342)], ranAt);
    }
}
