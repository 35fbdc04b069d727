using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Syncplane.Server.Security;

namespace Syncplane.Server.Api;

/// <summary>
/// <c>GET /metrics</c>: the <c>Syncplane</c> meter in the Prometheus text format (OpenTelemetry's Prometheus exporter),
/// read from memory: a scrape never queries the store (see <see cref="Telemetry.MetricsSnapshots"/> for how fresh it is).
/// Needs a viewer token (Prometheus: <c>authorization: { credentials: TOKEN }</c>).
/// </summary>
internal static class MetricsEndpoints
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPrometheusScrapingEndpoint("/metrics").RequireAuthorization(Policies.Viewer).WithName("GetMetrics")
            .WithSummary("Prometheus metrics: runs by target and status, durations, queue depth and lag, last success and freshness per target");
}
