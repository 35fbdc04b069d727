using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Syncplane.Access;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Server;

/// <summary>Every API route needs a role: none → 401, too low → 403, enough → served. Every route is in the OpenAPI document.</summary>
public sealed class ApiAccessTests : IAsyncLifetime
{
    private const string Yaml = """
        targets:
          docs:
            entrypoint: "true"
        """;

    private TestServer _server = null!;

    /// <summary>Method, path and the least role that may call it; bodies are valid so "enough" gets no 4xx for input.</summary>
    public static TheoryData<string, string, ApiRole> Routes => new()
    {
        { "GET", "/api/v1/targets", ApiRole.Viewer },
        { "GET", "/api/v1/targets/docs", ApiRole.Viewer },
        { "GET", "/api/v1/targets/docs/status", ApiRole.Viewer },
        { "POST", "/api/v1/targets/docs/sync", ApiRole.Operator },
        { "PATCH", "/api/v1/targets/docs/frequency", ApiRole.Admin },
        { "POST", "/api/v1/targets/docs/pause", ApiRole.Admin },
        { "POST", "/api/v1/targets/docs/resume", ApiRole.Admin },
        { "GET", "/api/v1/runs", ApiRole.Viewer },
        { "GET", "/api/v1/runs/1", ApiRole.Viewer },
        { "GET", "/api/v1/runs/1/log", ApiRole.Viewer },
        { "POST", "/api/v1/runs/1/retry", ApiRole.Operator },
        { "POST", "/api/v1/runs/1/cancel", ApiRole.Operator },
        { "GET", "/api/v1/overview", ApiRole.Viewer },
        { "GET", "/api/v1/analytics", ApiRole.Viewer },
        { "GET", "/api/v1/audit", ApiRole.Admin },
        { "GET", "/api/v1/reports/audit", ApiRole.Admin },
        { "GET", "/metrics", ApiRole.Viewer },
        { "GET", "/api/v1/checks", ApiRole.Viewer },
        { "GET", "/api/v1/checks/docs", ApiRole.Viewer },
        { "GET", "/api/sync/status", ApiRole.Viewer },
        { "GET", "/api/sync/heartbeat", ApiRole.Viewer },
        { "GET", "/api/sync/heartbeat/docs", ApiRole.Viewer },
        { "GET", "/api/sync/overview", ApiRole.Viewer },
        { "GET", "/api/v1/alerts", ApiRole.Viewer },
        { "GET", "/api/v1/alerts/history", ApiRole.Viewer },
        { "POST", "/api/v1/alerts/silences", ApiRole.Operator },
        { "POST", "/api/v1/alerts/1/ack", ApiRole.Operator },
    };

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(Yaml, workers: false);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Route_WithoutToken401_TooLowRole403_EnoughRoleServed(string method, string path, ApiRole least)
    {
        using (var anonymous = _server.Client())
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(anonymous, method, path)).StatusCode);
        }

        if (least > ApiRole.Viewer)
        {
            using var low = _server.Client(least - 1);
            var forbidden = await SendAsync(low, method, path);
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
            Assert.Equal("application/problem+json", forbidden.Content.Headers.ContentType?.MediaType);
        }

        using var enough = _server.Client(least);
        var served = await SendAsync(enough, method, path);
        Assert.NotEqual(HttpStatusCode.Unauthorized, served.StatusCode);
        Assert.NotEqual(HttpStatusCode.Forbidden, served.StatusCode);
        Assert.NotEqual(HttpStatusCode.BadRequest, served.StatusCode);
    }

    [Fact]
    public void EveryApiEndpoint_RequiresAPolicy_OrIsAnExplicitlyAnonymousWebhook()
    {
        var endpoints = _server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && (raw.StartsWith("/api/v1/", StringComparison.Ordinal) || raw == "/metrics"))
            .ToList();
        Assert.NotEmpty(endpoints);

        var open = endpoints.Where(e =>
        {
            var raw = e.RoutePattern.RawText!;
            var policies = e.Metadata.GetOrderedMetadata<IAuthorizeData>().Where(a => a.Policy is not null);
            var anonymous = e.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            var webhook = raw.StartsWith("/api/v1/webhooks", StringComparison.Ordinal) || raw.StartsWith("/api/v1/projects/{project}/webhooks/", StringComparison.Ordinal);
            return anonymous ? !(webhook || raw == "/api/v1/openapi.json") : !policies.Any();
        }).Select(e => e.RoutePattern.RawText);

        Assert.Empty(open);
    }

    [Fact]
    public async Task OpenApiDocument_ListsEveryRoute()
    {
        using var client = _server.Client();
        var paths = JsonDocument.Parse(await client.GetStringAsync("/api/v1/openapi.json")).RootElement.GetProperty("paths");

        foreach (var (method, path) in Routes.Select(r => ((string)r[0], (string)r[1])))
        {
            var template = path.Replace("/docs", "/{name}", StringComparison.Ordinal).Replace("/1", "/{id}", StringComparison.Ordinal);
            Assert.True(paths.TryGetProperty(template, out var item), $"{template} is not in the OpenAPI document");
            Assert.True(item.TryGetProperty(method.ToLowerInvariant(), out var operation), $"{method} {template} is not in the OpenAPI document");
            Assert.False(string.IsNullOrEmpty(operation.GetProperty("summary").GetString()));
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "PATCH")
        {
            request.Content = new StringContent("""{"frequency": "hourly"}""", System.Text.Encoding.UTF8, "application/json");
        }
        else if (path.EndsWith("/silences", StringComparison.Ordinal))
        {
            request.Content = new StringContent("""{"matchers": {"target": "docs"}, "duration": "1h"}""", System.Text.Encoding.UTF8, "application/json");
        }

        return await client.SendAsync(request);
    }
}
