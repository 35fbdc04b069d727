using Syncplane.Config;

namespace Syncplane.Engine.Policies;

/// <summary>The bucket a target's upstream calls are debited from.</summary>
/// <param name="Key">A store key: <c>target/NAME</c> for a target's own limit, <c>shared/NAME</c> for a named budget.</param>
/// <param name="Limit">The budget.</param>
internal sealed record RateLimitBucketRef(string Key, RateLimit Limit);

/// <summary>
/// Maps targets to their token buckets: their own (<c>rate_limit: 180/hour</c>) or a named one shared
/// with other targets (<c>rate_limit: ads-api</c>).
/// </summary>
/// <remarks>
/// Immutable, so thread-safe. The buckets' state lives in the store (<see cref="Storage.ISyncStore.TakeTokensAsync"/>),
/// the one place every node and every restart sees; connectors debit it through <see cref="UpstreamBudget"/>.
/// </remarks>
internal sealed class RateLimitRegistry
{
    private readonly Dictionary<string, RateLimitBucketRef> _byTarget = new(StringComparer.Ordinal);

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
}
