using System.Globalization;
using System.Numerics;
using System.Text;

namespace Syncplane.Storage.Rollups;

/// <summary>
/// The fixed log-linear buckets that rollups count milliseconds in, so percentiles merge across hours, days
/// and nodes by adding bucket counts. Values under 256 ms have a bucket each (exact); above, every doubling
/// is split into 128 equal buckets, so a bucket is at most 1/128 (0.8 %) of its value wide.
/// </summary>
/// <remarks>
/// The database computes the bucket of each run or check result in the trigger that maintains the rollups
/// (<see cref="BucketSql"/>, the same arithmetic as <see cref="BucketOf"/>); only non-empty buckets have rows.
/// </remarks>
internal static class RollupHistogram
{
    private const int ExactBits = 8; // 0..255 exact
    private const int SubBits = 7; // 128 buckets per doubling above
    private const int TopBit = 46; // 2^47 ms is over 4,000 years: longer counts in the last bucket

    /// <summary>The bucket of <paramref name="milliseconds"/> (negative counts as 0).</summary>
    public static int BucketOf(long milliseconds)
    {
        var v = Math.Max(0, milliseconds);
        if (v < 1L << ExactBits)
        {
            return (int)v;
        }

        var k = Math.Min(TopBit, 63 - BitOperations.LeadingZeroCount((ulong)v));
        v = Math.Min(v, (1L << (TopBit + 1)) - 1);
        return (1 << ExactBits) + ((k - ExactBits) << SubBits) + (int)((v - (1L << k)) >> (k - SubBits));
    }

    /// <summary>The smallest value in <paramref name="bucket"/>.</summary>
    public static long LowerBound(int bucket)
    {
        if (bucket < 1 << ExactBits)
        {
            return bucket;
        }

        var above = bucket - (1 << ExactBits);
        var k = ExactBits + (above >> SubBits);
        return (1L << k) + ((long)(above & ((1 << SubBits) - 1)) << (k - SubBits));
    }

    /// <summary>The value a percentile in <paramref name="bucket"/> reports: the bucket's middle (its value when exact), at most <paramref name="max"/>.</summary>
    public static long Representative(int bucket, long max)
    {
        var low = LowerBound(bucket);
        var width = LowerBound(bucket + 1) - low;
        return Math.Max(low, Math.Min(max, low + (width - 1) / 2));
    }

    /// <summary>The nearest-rank <paramref name="percentile"/> (0–100] of the counted values; null when there are none.</summary>
    public static long? Percentile(IReadOnlyDictionary<int, long> counts, double percentile, long max)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var total = counts.Values.Sum();
        if (total == 0)
        {
            return null;
        }

        var rank = Math.Clamp((long)Math.Ceiling(percentile / 100 * total), 1, total);
        var seen = 0L;
        foreach (var (bucket, count) in counts.OrderBy(c => c.Key))
        {
            seen += count;
            if (seen >= rank)
            {
                return Representative(bucket, max);
            }
        }

        return max;
    }

    /// <summary>SQL computing <see cref="BucketOf"/> of the integer expression <paramref name="value"/> with integer arithmetic only (SQLite and PostgreSQL).</summary>
    public static string BucketSql(string value)
    {
        var inv = CultureInfo.InvariantCulture;
        var sql = new StringBuilder(string.Create(inv, $"CASE WHEN {value} < {1L << ExactBits} THEN CASE WHEN {value} < 0 THEN 0 ELSE {value} END"));
        for (var k = ExactBits; k <= TopBit; k++)
        {
            var start = (1 << ExactBits) + ((k - ExactBits) << SubBits);
            var width = 1L << (k - SubBits);
            sql.Append(k == TopBit
                ? string.Create(inv, $" ELSE {start} + (CASE WHEN {value} >= {1L << (k + 1)} THEN {(1L << (k + 1)) - 1} ELSE {value} END - {1L << k}) / {width}")
                : string.Create(inv, $" WHEN {value} < {1L << (k + 1)} THEN {start} + ({value} - {1L << k}) / {width}"));
        }

        return sql.Append(" END").ToString();
    }
}
