using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Syncplane.Config;

namespace Syncplane.Engine.Policies;

/// <summary>
/// A budget of at most <see cref="Count"/> upstream calls in any window of one <see cref="Period"/>,
/// written <c>180/hour</c>, or <c>180/hour burst 20</c> to let up to 20 calls go at once.
/// </summary>
/// <remarks>
/// Enforced by a <see cref="TokenBucket"/> of <see cref="Capacity"/> tokens refilled continuously at
/// <see cref="Refill"/> per <see cref="Period"/>. A bucket of capacity b refilled at r per period
/// admits up to b − 1 + r calls in a window of one period, so the refill is chosen as
/// <c>Count − Burst + 1</c>: the limit holds in every window, not just on average, which is what an
/// upstream quota such as "200 calls per rolling hour" needs. With the default burst of 1 calls are
/// paced evenly (<c>180/hour</c>: one every 20s, 180 in every hour); a larger burst trades long-run
/// throughput for calls that can go back to back.
/// </remarks>
/// <param name="Count">Calls allowed in any window of one period; at least 1.</param>
/// <param name="Period">The period; at least one second.</param>
/// <param name="Burst">Calls that may go at once, 1 to <paramref name="Count"/>. <value>1</value></param>
public sealed record RateLimit(long Count, TimeSpan Period, long Burst = 1)
{
    /// <summary>The bucket's capacity: <see cref="Burst"/>.</summary>
    public long Capacity => Burst;

    /// <summary>Tokens added per <see cref="Period"/>: <c>Count − Burst + 1</c>.</summary>
    public long Refill => Count - Burst + 1;

    /// <summary>Parses <c>N/unit</c> (second, minute, hour, day, singular or plural, or s, m, h, d) or <c>N/duration</c> such as <c>100/15m</c>, optionally followed by <c>burst B</c>.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out RateLimit? limit, [NotNullWhen(false)] out string? error)
    {
        limit = null;
        var slash = text?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (text is null || slash < 0)
        {
            error = $"'{text}' is not a rate limit: write calls/period such as 180/hour, 10/minute, 5/second or 1000/day";
            return false;
        }

        var countText = text[..slash].Trim();
        if (!long.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1)
        {
            error = $"rate limit '{text}' must start with a whole number of calls of at least 1, found '{countText}'";
            return false;
        }

        var rest = text[(slash + 1)..].Trim().ToLowerInvariant();
        var burst = 1L;
        var burstAt = rest.IndexOf("burst", StringComparison.Ordinal);
        if (burstAt >= 0)
        {
            var burstText = rest[(burstAt + 5)..].Trim();
            if (!long.TryParse(burstText, NumberStyles.None, CultureInfo.InvariantCulture, out burst) || burst < 1 || burst > count)
            {
                error = $"rate limit '{text}' has burst '{burstText}'; it must be a whole number from 1 to {count}";
                return false;
            }

            rest = rest[..burstAt].TrimEnd(' ', ',');
        }

        TimeSpan? period = rest switch
        {
            "s" or "sec" or "second" or "seconds" => TimeSpan.FromSeconds(1),
            "m" or "min" or "minute" or "minutes" => TimeSpan.FromMinutes(1),
            "h" or "hour" or "hours" => TimeSpan.FromHours(1),
            "d" or "day" or "days" => TimeSpan.FromDays(1),
            _ => DurationParser.TryParse(rest, out var d) ? d : null,
        };
        if (period is not { } p || p < TimeSpan.FromSeconds(1))
        {
            error = $"rate limit '{text}' has period '{rest}'; use second, minute, hour, day or a duration of at least 1s such as 15m";
            return false;
        }

        limit = new RateLimit(count, p, burst);
        error = null;
        return true;
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var period = Period switch
        {
            { TotalSeconds: 1 } => "second",
            { TotalMinutes: 1 } => "minute",
            { TotalHours: 1 } => "hour",
            { TotalDays: 1 } => "day",
            _ => DurationParser.Format(Period),
        };
        return Burst == 1 ? $"{Count}/{period}" : $"{Count}/{period} burst {Burst}";
    }
}
