using System.Collections.Concurrent;
using Syncplane.Access;
using Syncplane.Storage;

namespace Syncplane.Server.Security;

/// <summary>
/// The store's token lookup, remembered for <see cref="Lifetime"/> per token hash, so a busy client does not
/// cost a store read per request; a revocation (by any process or node) takes effect within that second.
/// </summary>
/// <remarks>
/// Only tokens found are remembered: an unknown token is looked up each time, so one created a moment ago works
/// at once. The cache holds at most <see cref="Capacity"/> hashes and starts afresh when full.
/// </remarks>
internal sealed class TokenCache(ISyncStore store, TimeProvider time)
{
    /// <summary>How long a found token is trusted without asking the store again.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(1);

    private const int Capacity = 10_000;

    private readonly ConcurrentDictionary<string, (ApiTokenRecord Record, long Until)> _found = new(StringComparer.Ordinal);

    /// <summary>The unrevoked token with this hash, or null.</summary>
    public async Task<ApiTokenRecord?> FindAsync(string hash, CancellationToken cancellationToken)
    {
        var now = time.GetTimestamp();
        if (_found.TryGetValue(hash, out var entry) && now < entry.Until)
        {
            return entry.Record;
        }

        var record = await store.FindTokenAsync(hash, cancellationToken);
        if (record is null)
        {
            _found.TryRemove(hash, out _);
            return null;
        }

        if (_found.Count >= Capacity)
        {
            _found.Clear();
        }

        _found[hash] = (record, now + (long)(Lifetime.TotalSeconds * time.TimestampFrequency));
        return record;
    }
}
