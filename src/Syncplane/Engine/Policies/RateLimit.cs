using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Syncplane.Config;

namespace Syncplane.Engine.Policies;

/// <summary>A budget of <see cref="Count"/> upstream calls per <see cref="Period"/>, written <c>180/hour</c>.</summary>
/// <remarks>
/// Enforced by a <see cref="TokenBucket"/> holding at most <see cref="Count"/> tokens and refilled
/// continuously at <see cref="Count"/> per <see cref="Period"/>: a full bucket allows a burst of
/// <see cref="Count"/> calls, after which calls are paced at one per <c>Period / Count</c>.
/// </remarks>
/// <param name="Count">Calls per period (the bucket's capacity and refill); at least 1.</param>
/// <param name="Period">The period; at least one second.</param>
public sealed record RateLimit(long Count, TimeSpan Period)
{
    /// <summary>Parses <c>N/unit</c> (second, minute, hour, day, singular or plural, or s, m, h, d) or <c>N/duration</c> such as <c>100/15m</c>.</summary>
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

        var unit = text[(slash + 1)..].Trim().ToLowerInvariant();
        TimeSpan? period = unit switch
        {
            "s" or "sec" or "second" or "seconds" => TimeSpan.FromSeconds(1),
            "m" or "min" or "minute" or "minutes" => TimeSpan.FromMinutes(1),
            "h" or "hour" or "hours" => TimeSpan.FromHours(1),
            "d" or "day" or "days" => TimeSpan.FromDays(1),
            _ => DurationParser.TryParse(unit, out var d) ? d : null,
        };
        if (period is not { } p || p < TimeSpan.FromSeconds(1))
        {
            error = $"rate limit '{text}' has period '{unit}'; use second, minute, hour, day or a duration of at least 1s such as 15m";
            return false;
        }

        limit = new RateLimit(count, p);
        error = null;
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => Period switch
    {
        { TotalSeconds: 1 } => $"{Count}/second",
        { TotalMinutes: 1 } => $"{Count}/minute",
        { TotalHours: 1 } => $"{Count}/hour",
        { TotalDays: 1 } => $"{Count}/day",
        _ => $"{Count}/{DurationParser.Format(Period)}",
    };
}
