namespace Syncplane.Connectors;

/// <summary>
/// The target's budget of upstream calls (<c>rate_limit</c>). A connector takes one token before each
/// call it makes to the upstream (a page request, a fetch), never per item or per run.
/// </summary>
public interface IUpstreamBudget
{
    /// <summary>
    /// Debits one call; when the budget is spent, waits for the next token (cancellable) instead of failing.
    /// </summary>
    /// <exception cref="Engine.Policies.UpstreamRateLimitedException">
    /// A queued run that has not called the upstream yet would wait long: the engine postpones it to when the
    /// token arrives, without spending an attempt, so it does not hold a worker slot meanwhile.
    /// </exception>
    ValueTask TakeAsync(CancellationToken cancellationToken);
}

/// <summary>The budget of a target without a rate limit: every call goes at once, and nothing is stored.</summary>
internal sealed class UnlimitedBudget : IUpstreamBudget
{
    public static readonly UnlimitedBudget Instance = new();

    private UnlimitedBudget()
    {
    }

    public ValueTask TakeAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
