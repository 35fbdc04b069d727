using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Connectors.Gcp;

/// <summary>
/// Cloud Asset Inventory's <c>searchAllResources</c> (REST v1) as the fixtures in shared/fixtures/providers/gcp-cloud-asset
/// document it, on 127.0.0.1: <c>GET /v1/{scope}:searchAllResources</c> with <c>assetTypes</c> (repeated; regular
/// expressions matched against the whole type), <c>query</c>, <c>pageSize</c> (capped at 500) and <c>pageToken</c>; it
/// answers <c>{ results: [ResourceSearchResult], nextPageToken }</c>, leaving out an empty list and the token on the last
/// page. Requests need <c>Authorization: Bearer</c> with a token <see cref="IsValidToken"/> accepts, else 401
/// UNAUTHENTICATED. Errors have Google's shape (<c>{ error: { code, message, status } }</c>).
/// </summary>
internal sealed class FakeCloudAssetApi : IAsyncDisposable
{
    public const string Scope = "organizations/123456789012";
    private LoopbackWebApp _app = null!;

    /// <summary>The resources in <see cref="Scope"/>, in the order pages list them.</summary>
    public List<JsonObject> Resources { get; } = [];

    /// <summary>Which bearer tokens are good (the token endpoint's issued ones, less any revoked).</summary>
    public Func<string, bool> IsValidToken { get; set; } = _ => true;

    /// <summary>Results per page when the request has no pageSize.</summary>
    public int DefaultPageSize { get; set; } = 100;

    /// <summary>A page number that answers 503 UNAVAILABLE; null for none.</summary>
    public int? FailingPage { get; set; }

    /// <summary>Called with each page's number (from 1) before it is served, after its token was accepted.</summary>
    public Action<int> OnPage { get; set; } = _ => { };

    /// <summary>Every request: path and query, the bearer token, the page served (0 when refused).</summary>
    public ConcurrentQueue<(string Target, string Token, int Page)> Requests { get; } = new();

    public string BaseUrl => _app.BaseUrl;

    /// <summary>A resource like those a landing zone has, by index: projects, VPCs, VMs, GKE clusters, Cloud SQL instances.</summary>
    public static JsonObject Resource(int i)
    {
        var n = i.ToString(CultureInfo.InvariantCulture);
        var (name, type, location, state) = (i % 5) switch
        {
            0 => ($"//cloudresourcemanager.googleapis.com/projects/lz-app-{n}", "cloudresourcemanager.googleapis.com/Project", "global", "ACTIVE"),
            1 => ($"//compute.googleapis.com/projects/lz-prod-123/global/networks/vpc-{n}", "compute.googleapis.com/Network", "global", null),
            2 => ($"//compute.googleapis.com/projects/lz-prod-123/zones/europe-west1-b/instances/vm-{n}", "compute.googleapis.com/Instance", "europe-west1-b", "RUNNING"),
            3 => ($"//container.googleapis.com/projects/lz-prod-123/locations/europe-west1/clusters/gke-{n}", "container.googleapis.com/Cluster", "europe-west1", "RUNNING"),
            _ => ($"//cloudsql.googleapis.com/projects/lz-prod-123/instances/db-{n}", "sqladmin.googleapis.com/Instance", "europe-west1", "RUNNABLE"),
        };
        var resource = new JsonObject
        {
            ["name"] = name,
            ["assetType"] = type,
            ["project"] = "projects/987654321098",
            ["folders"] = new JsonArray("folders/555000111"),
            ["organization"] = Scope,
            ["displayName"] = name[(name.LastIndexOf('/') + 1)..],
            ["location"] = location,
            ["labels"] = new JsonObject { ["env"] = i % 2 == 0 ? "prod" : "staging", ["team"] = "platform" },
            ["networkTags"] = new JsonArray("allow-health-checks"),
            ["createTime"] = "2025-11-03T09:12:44Z",
            ["updateTime"] = "2026-01-30T00:00:00Z",
            ["additionalAttributes"] = new JsonObject { ["index"] = i },
            ["parentFullResourceName"] = "//cloudresourcemanager.googleapis.com/projects/lz-prod-123",
            ["parentAssetType"] = "cloudresourcemanager.googleapis.com/Project",
        };
        if (state is not null)
        {
            resource["state"] = state;
        }

        return resource;
    }

    public static async Task<FakeCloudAssetApi> StartAsync()
    {
        var api = new FakeCloudAssetApi();
        api._app = await LoopbackWebApp.StartAsync(app => app.Run(api.HandleAsync));
        return api;
    }

    /// <summary>The opaque token of the page after <paramref name="page"/>.</summary>
    public static string TokenAfter(int page) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"cai-page:{page + 1}"));

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var target = request.Path + request.QueryString;
        var bearer = request.Headers.Authorization.ToString() is { } auth && auth.StartsWith("Bearer ", StringComparison.Ordinal) ? auth["Bearer ".Length..] : "";
        if (!IsValidToken(bearer))
        {
            Requests.Enqueue((target, bearer, 0));
            await ErrorAsync(context, 401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.");
            return;
        }

        if (request.Method != "GET" || request.Path.Value != $"/v1/{Scope}:searchAllResources")
        {
            Requests.Enqueue((target, bearer, 0));
            await ErrorAsync(context, 404, "NOT_FOUND", $"{request.Method} {request.Path} is not a method of this API.");
            return;
        }

        var token = request.Query["pageToken"].ToString();
        var page = token.Length == 0 ? 1 : int.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(token))["cai-page:".Length..], CultureInfo.InvariantCulture);
        Requests.Enqueue((target, bearer, page));
        OnPage(page);
        if (page == FailingPage)
        {
            await ErrorAsync(context, 503, "UNAVAILABLE", "The service is currently unavailable.");
            return;
        }

        var size = int.TryParse(request.Query["pageSize"], out var asked) && asked > 0 ? Math.Min(asked, 500) : DefaultPageSize;
        var types = request.Query["assetTypes"].Select(t => new Regex($"^(?:{t})$", RegexOptions.None, TimeSpan.FromSeconds(1))).ToList();
        var matching = Resources.Where(r => types.Count == 0 || types.Any(t => t.IsMatch((string)r["assetType"]!))).ToList();
        var results = matching.Skip((page - 1) * size).Take(size).Select(r => (JsonNode)r.DeepClone()).ToArray();
        var body = new JsonObject();
        if (results.Length > 0)
        {
            body["results"] = new JsonArray(results);
        }

        if (page * size < matching.Count)
        {
            body["nextPageToken"] = TokenAfter(page);
        }

        await WriteAsync(context, 200, body);
    }

    private static Task ErrorAsync(HttpContext context, int code, string status, string message) =>
        WriteAsync(context, code, new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message, ["status"] = status } });

    private static async Task WriteAsync(HttpContext context, int status, JsonNode json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=UTF-8";
        await context.Response.WriteAsync(json.ToJsonString());
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
