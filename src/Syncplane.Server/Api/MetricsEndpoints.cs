using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.OpenApi;
using Syncplane.Server.Security;

namespace Syncplane.Server.Api;

/// <summary>
/// <c>GET /metrics</c>: the <c>Syncplane</c> meter in the Prometheus text format (OpenTelemetry's Prometheus exporter),
/// read from memory: a scrape never queries the store (see <see cref="Telemetry.MetricsSnapshots"/> for how fresh it is).
/// Needs a global viewer token (Prometheus: <c>authorization: { credentials: TOKEN }</c>): the metrics cover every project,
/// so a project token gets 403.
/// </summary>
internal static class MetricsEndpoints
{
    private const string Summary = "Prometheus metrics: runs by target and status, durations, queue depth and lag, last success and freshness per target";

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPrometheusScrapingEndpoint("/metrics").RequireAuthorization(Policies.Viewer).GlobalOnly().WithName("GetMetrics").WithSummary(Summary);

    /// <summary>Lists <c>/metrics</c> in the OpenAPI document, which describes only route handlers, not the exporter's middleware.</summary>
    public static void Describe(OpenApiOptions options) => options.AddDocumentTransformer((document, _, _) =>
    {
        document.Paths["/metrics"] = new OpenApiPathItem
        {
            Operations = new Dictionary<HttpMethod, OpenApiOperation>
            {
                [HttpMethod.Get] = new()
                {
                    OperationId = "GetMetrics",
                    Summary = Summary,
                    Responses = new OpenApiResponses { ["200"] = new OpenApiResponse { Description = "text/plain; version=0.0.4 (Prometheus text format)" } },
                },
            },
        };
        return Task.CompletedTask;
    });
}
