using System.Text.Json.Serialization;
using Parquet.Serialization.Attributes;
using Syncplane.Analytics;
using Syncplane.Storage.Rollups;

namespace Syncplane.Cli.Analytics;

/// <summary>
/// One exported row: one target's runs in one hour or day. Flat columns in this order, named as in JSON, the same in
/// NDJSON, CSV and Parquet (schema in docs/analytics.md); times are UTC (RFC 3339 text, or Parquet timestamps adjusted to UTC).
/// </summary>
internal sealed class AnalyticsRow
{
    [JsonPropertyName("period")]
    [ParquetRequired]
    public string Period { get; init; } = "";

    [JsonPropertyName("period_start")]
    [ParquetTimestamp(ParquetTimestampResolution.Microseconds, true, true)]
    public DateTime PeriodStart { get; init; }

    [JsonPropertyName("target")]
    [ParquetRequired]
    public string Target { get; init; } = "";

    [JsonPropertyName("attempts")]
    public long Attempts { get; init; }

    [JsonPropertyName("successes")]
    public long Successes { get; init; }

    [JsonPropertyName("failures")]
    public long Failures { get; init; }

    [JsonPropertyName("refusals")]
    public long Refusals { get; init; }

    [JsonPropertyName("cancellations")]
    public long Cancellations { get; init; }

    [JsonPropertyName("success_rate")]
    public double? SuccessRate { get; init; }

    [JsonPropertyName("runs_with_changes")]
    public long RunsWithChanges { get; init; }

    [JsonPropertyName("items_written")]
    public long ItemsWritten { get; init; }

    [JsonPropertyName("duration_p50_ms")]
    public long? DurationP50Ms { get; init; }

    [JsonPropertyName("duration_p95_ms")]
    public long? DurationP95Ms { get; init; }

    [JsonPropertyName("duration_max_ms")]
    public long? DurationMaxMs { get; init; }

    [JsonPropertyName("latency_p50_ms")]
    public long? LatencyP50Ms { get; init; }

    [JsonPropertyName("latency_p95_ms")]
    public long? LatencyP95Ms { get; init; }

    [JsonPropertyName("latency_max_ms")]
    public long? LatencyMaxMs { get; init; }

    [JsonPropertyName("last_success_at")]
    [ParquetTimestamp(ParquetTimestampResolution.Microseconds, true, true)]
    public DateTime? LastSuccessAt { get; init; }

    [JsonPropertyName("freshness_seconds")]
    public double? FreshnessSeconds { get; init; }

    public static AnalyticsRow From(RunRollup rollup, RollupPeriod period, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(rollup);
        return new AnalyticsRow
        {
            Period = period == RollupPeriod.Hour ? "hour" : "day",
            PeriodStart = rollup.PeriodStart.UtcDateTime,
            Target = rollup.Target ?? "",
            Attempts = rollup.Attempts,
            Successes = rollup.Successes,
            Failures = rollup.Failures,
            Refusals = rollup.Refusals,
            Cancellations = rollup.Cancellations,
            SuccessRate = rollup.SuccessRate is { } rate ? Math.Round(rate, 4) : null,
            RunsWithChanges = rollup.RunsWithChanges,
            ItemsWritten = rollup.ItemsWritten,
            DurationP50Ms = rollup.DurationP50Ms,
            DurationP95Ms = rollup.DurationP95Ms,
            DurationMaxMs = rollup.DurationMaxMs,
            LatencyP50Ms = rollup.LatencyP50Ms,
            LatencyP95Ms = rollup.LatencyP95Ms,
            LatencyMaxMs = rollup.LatencyMaxMs,
            LastSuccessAt = rollup.LastSuccessAt?.UtcDateTime,
            FreshnessSeconds = AnalyticsSeries.FreshnessSeconds(rollup, period, now),
        };
    }
}
