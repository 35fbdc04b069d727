namespace Syncplane.Engine.Policies;

/// <summary>What a store persists of a <see cref="TokenBucket"/>: whole tokens left and the instant they were counted at.</summary>
/// <param name="Tokens">Whole tokens in the bucket at <paramref name="LastRefill"/>.</param>
/// <param name="LastRefill">The instant refilling was last accounted; credit for a partial token is the time elapsed since.</param>
internal sealed record TokenBucketState(long Tokens, DateTimeOffset LastRefill);
