using System.Text.Json;
using System.Text.Json.Serialization;
using Syncplane.Planning;

namespace Syncplane.Engine;

/// <summary>
/// The summary JSON of seed 004 (timestamp, total_targets, successful, failed, total_duration, results[]),
/// with a few additive fields (status, run_id, changes, source_revision) that consumers may ignore.
/// </summary>
public static class RunReport
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <param name="results">One result per target, in run order.</param>
    /// <param name="timestamp">When the whole run started.</param>
    /// <param name="totalDuration">Wall time of the whole run.</param>
    /// <param name="includePlans">Add each target's full plan (keys to create, update, delete), as a dry run wants.</param>
    public static string ToJson(IReadOnlyList<TargetRunResult> results, DateTimeOffset timestamp, TimeSpan totalDuration, bool includePlans = false) =>
        JsonSerializer.Serialize(Build(results, timestamp, totalDuration, includePlans), Options);

    internal static ReportDocument Build(IReadOnlyList<TargetRunResult> results, DateTimeOffset timestamp, TimeSpan totalDuration, bool includePlans) => new(
        timestamp.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
        results.Count,
        results.Count(r => r.Success),
        results.Count(r => !r.Success),
        Math.Round(totalDuration.TotalSeconds, 3),
        results.Select(r => new ReportResult(
            r.Target,
            r.Direction.ToString().ToLowerInvariant(),
            r.Success,
            r.Message,
            Math.Round(r.Duration.TotalSeconds, 3),
            r.OutputsCreated,
            r.VerificationPassed,
            r.Status.ToString().ToLowerInvariant(),
            r.RunId,
            r.SourceRevision,
            r.Plan is { } p ? new ReportChanges(p.Summary.Creates, p.Summary.Updates, p.Summary.Deletes, p.Summary.Unchanged) : null,
            includePlans && r.Plan is { } plan ? JsonDocument.Parse(PlanFormatter.ToJson(plan)).RootElement : null)).ToList());

    internal sealed record ReportDocument(string Timestamp, int TotalTargets, int Successful, int Failed, double TotalDuration, IReadOnlyList<ReportResult> Results);

    internal sealed record ReportResult(
        string Target,
        string Direction,
        bool Success,
        string Message,
        double Duration,
        IReadOnlyList<string> OutputsCreated,
        bool? VerificationPassed,
        string Status,
        long RunId,
        string? SourceRevision,
        ReportChanges? Changes,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonElement? Plan);

    internal sealed record ReportChanges(int Created, int Updated, int Deleted, int Unchanged);
}
