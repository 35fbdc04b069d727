using System.Collections.Concurrent;

namespace Syncplane.Storage.Rollups;

/// <summary>
/// The fleet's run rollups (every target summed) of closed periods, kept in memory: a run counts in the period it
/// finished in, so a period's sum stops changing once it is over. A fleet series then reads only its open periods
/// from the store (1,000 targets: a thousand rows for today instead of thirty thousand for a month).
/// </summary>
/// <remarks>
/// A period counts as closed <see cref="Grace"/> after its end, for runs whose finishing transaction commits a moment
/// after their finish time, or whose node's clock runs a little behind. Periods with no runs are remembered as empty;
/// periods older than <see cref="Horizon"/> are always read from the store.
/// </remarks>
internal sealed class ClosedPeriodCache
{
    /// <summary>How long after its end a period is still read from the store.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(5);

    /// <summary>Periods that started longer ago are not kept (memory stays bounded whatever ranges are asked for).</summary>
    public static readonly TimeSpan Horizon = TimeSpan.FromDays(100);

    private readonly ConcurrentDictionary<(RollupPeriod Period, DateTimeOffset Start), RunRollup?> _closed = new();

    /// <summary>The rows of <paramref name="query"/>: closed periods from memory, the rest through <paramref name="read"/>.</summary>
    public async Task<IReadOnlyList<RunRollup>> ReadAsync(
        RollupQuery query, Func<RollupQuery, CancellationToken, Task<IReadOnlyList<RunRollup>>> read, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var length = RollupQuery.Length(query.Period);
        var start = RollupQuery.Floor(query.From, query.Period);
        var cached = new List<RunRollup>();
        for (; start < query.To && _closed.TryGetValue((query.Period, start), out var row); start += length)
        {
            if (row is not null)
            {
                cached.Add(row);
            }
        }

        if (start >= query.To)
        {
            return cached;
        }

        var rows = await read(query with { From = start }, cancellationToken);
        var byStart = rows.ToDictionary(r => r.PeriodStart);
        for (; start < query.To && start + length + Grace <= now; start += length)
        {
            if (now - start <= Horizon)
            {
                _closed[(query.Period, start)] = byStart.GetValueOrDefault(start);
            }
        }

        return [.. cached, .. rows];
    }
}
