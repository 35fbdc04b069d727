using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Syncplane.Operations;
using Syncplane.Server.Security;
using Syncplane.Storage;

namespace Syncplane.Server.Api;

/// <summary>
/// <c>GET /metrics</c>: Prometheus text format 0.0.4, computed from the store on every scrape, so every node
/// reports the same numbers. Needs a viewer token (Prometheus: <c>authorization: { credentials: TOKEN }</c>).
/// </summary>
internal static class MetricsEndpoints
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/metrics", GetAsync).RequireAuthorization(Policies.Viewer).WithName("GetMetrics")
            .WithSummary("Prometheus metrics: runs by target and status, durations, queue depth and lag, last success and freshness per target");

    private static async Task<IResult> GetAsync(ServerContext context, CancellationToken cancellationToken)
    {
        var now = context.Time.GetUtcNow();
        var statistics = await context.Store.GetRunStatisticsAsync(null, cancellationToken);
        var telemetry = await TargetTelemetry.ListAsync(context.Config, context.Store, context.Time, cancellationToken);
        var text = new StringBuilder();

        Header(text, "syncplane_runs_total", "counter", "Finished runs by target and status.");
        foreach (var group in statistics.Groups.Where(g => !RunView.IsActive(g.Status)))
        {
            Sample(text, "syncplane_runs_total", group.Count, ("target", group.Target), ("status", StoreText.From(group.Status)));
        }

        Header(text, "syncplane_runs_active", "gauge", "Queued and running runs by target and status.");
        foreach (var group in statistics.Groups.Where(g => RunView.IsActive(g.Status)))
        {
            Sample(text, "syncplane_runs_active", group.Count, ("target", group.Target), ("status", StoreText.From(group.Status)));
        }

        Header(text, "syncplane_run_duration_seconds", "summary", "Time from start to finish of finished runs, per target.");
        foreach (var target in statistics.Groups.Where(g => g.TimedCount > 0).GroupBy(g => g.Target, StringComparer.Ordinal))
        {
            Sample(text, "syncplane_run_duration_seconds_sum", target.Sum(g => g.DurationSeconds), ("target", target.Key));
            Sample(text, "syncplane_run_duration_seconds_count", target.Sum(g => g.TimedCount), ("target", target.Key));
        }

        Header(text, "syncplane_queue_depth", "gauge", "Queued runs that are due now.");
        Sample(text, "syncplane_queue_depth", statistics.QueueDepth);
        Header(text, "syncplane_queue_lag_seconds", "gauge", "How long the oldest due queued run has waited (0 when none waits).");
        Sample(text, "syncplane_queue_lag_seconds", statistics.OldestDueAt is { } oldest ? Math.Max(0, (now - oldest).TotalSeconds) : 0);

        Header(text, "syncplane_target_last_success_timestamp_seconds", "gauge", "When the target's last good run finished (Unix time); absent if it never succeeded.");
        foreach (var t in telemetry.Where(t => t.LastSucceededAt is not null))
        {
            Sample(text, "syncplane_target_last_success_timestamp_seconds", t.LastSucceededAt!.Value.ToUnixTimeMilliseconds() / 1000.0, ("target", t.Target));
        }

        Header(text, "syncplane_target_freshness_seconds", "gauge", "Seconds since the target's last good run finished; absent if it never succeeded.");
        foreach (var t in telemetry.Where(t => t.LastSucceededAt is not null))
        {
            Sample(text, "syncplane_target_freshness_seconds", Math.Max(0, (now - t.LastSucceededAt!.Value).TotalSeconds), ("target", t.Target));
        }

        Header(text, "syncplane_target_consecutive_failures", "gauge", "Failed runs since the target's last good run.");
        foreach (var t in telemetry)
        {
            Sample(text, "syncplane_target_consecutive_failures", t.ConsecutiveFailures, ("target", t.Target));
        }

        return Results.Text(text.ToString(), ContentType);
    }

    private static void Header(StringBuilder text, string name, string type, string help) =>
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n').Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    private static void Sample(StringBuilder text, string name, double value, params (string Name, string Value)[] labels)
    {
        text.Append(name);
        if (labels.Length > 0)
        {
            text.Append('{').AppendJoin(',', labels.Select(l => $"{l.Name}=\"{Escape(l.Value)}\"")).Append('}');
        }

        text.Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
    }

    /// <summary>Label values escape backslash, double quote and line feed (text format 0.0.4).</summary>
    internal static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
