using Syncplane.Engine.Policies;

namespace Syncplane.Storage;

/// <summary>Rate-limit buckets (issue 3): one shared budget per bucket for every node on the store.</summary>
public partial interface ISyncStore
{
    /// <summary>
    /// Takes <paramref name="count"/> tokens from the bucket <paramref name="bucket"/> of <paramref name="limit"/>
    /// at the store's current time, atomically: two nodes on one database never spend the same token.
    /// </summary>
    /// <remarks>A bucket with no stored state starts full. A denied take changes nothing but the refill accounting.</remarks>
    /// <param name="bucket">The bucket's key: <c>target/NAME</c> or <c>shared/NAME</c>.</param>
    /// <param name="limit">The budget; a stored state holding more tokens than its capacity (a lowered limit) is cut to it.</param>
    /// <param name="count">Tokens to take, 1 to the limit's capacity.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<BucketTake> TakeTokensAsync(string bucket, RateLimit limit, long count, CancellationToken cancellationToken);
}

/// <summary>What <see cref="ISyncStore.TakeTokensAsync"/> did.</summary>
/// <param name="Granted">True when the tokens were taken.</param>
/// <param name="RetryAt">When not granted: the first instant the same take would be granted, if nobody else takes first.</param>
public sealed record BucketTake(bool Granted, DateTimeOffset? RetryAt);
