using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Connectors.Http;

/// <summary>
/// The Google Ads API's REST surface as documented (developers.google.com/google-ads/api/rest), on 127.0.0.1:
/// <c>POST /v18/customers/{id}/googleAds:search</c> answers <c>{ results, nextPageToken, fieldMask, requestId }</c> pages
/// (the last page without <c>nextPageToken</c>; the next page is asked for with <c>pageToken</c> in the body), and
/// <c>googleAds:searchStream</c> answers one array of batches, each with <c>results</c>. Rows nest their fields under
/// <c>campaign</c>, <c>metrics</c> and <c>segments</c>, int64 values as strings. <c>GET /v1/rows?pageToken=</c> serves the
/// same pages to a GET. Errors have Google's shape (<c>{ error: { code, message, status, details } }</c>).
/// </summary>
internal sealed class FakeGoogleAds : IAsyncDisposable
{
    public const string CustomerId = "1234567890";
    public const string DeveloperToken = "dev-t0ken-s3cret";
    private LoopbackWebApp _app = null!;

    /// <summary>The rows any query returns, in order.</summary>
    public List<JsonObject> Rows { get; } = [];

    /// <summary>Rows per page (and per stream batch).</summary>
    public int PageSize { get; set; } = 2;

    /// <summary>A page number that answers 500 INTERNAL; null for none.</summary>
    public int? FailingPage { get; set; }

    /// <summary>The clock arrival times are read from.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>Every request: method, path and query, headers, body, arrival time.</summary>
    public ConcurrentQueue<(string Method, string Target, IReadOnlyDictionary<string, string> Headers, string Body, DateTimeOffset At)> Requests { get; } = new();

    /// <summary>The bodies of the pages answered (200), in order.</summary>
    public ConcurrentQueue<string> Responses { get; } = new();

    public string BaseUrl => _app.BaseUrl;

    public string SearchUrl => $"{BaseUrl}/v18/customers/{CustomerId}/googleAds:search";

    /// <summary>A row of <c>SELECT campaign.id, campaign.name, segments.date, metrics.clicks, metrics.impressions, metrics.cost_micros FROM campaign</c>.</summary>
    public static JsonObject Row(long campaign, string date, long clicks, long costMicros) => new()
    {
        ["campaign"] = new JsonObject { ["resourceName"] = $"customers/{CustomerId}/campaigns/{campaign}", ["name"] = $"Campaign {campaign}", ["id"] = campaign.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        ["metrics"] = new JsonObject { ["clicks"] = clicks.ToString(System.Globalization.CultureInfo.InvariantCulture), ["impressions"] = (clicks * 10).ToString(System.Globalization.CultureInfo.InvariantCulture), ["costMicros"] = costMicros.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        ["segments"] = new JsonObject { ["date"] = date },
    };

    /// <summary>The opaque token the page after <paramref name="page"/> is asked for with.</summary>
    public static string TokenAfter(int page) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"after-page:{page}"));

    public static async Task<FakeGoogleAds> StartAsync()
    {
        var api = new FakeGoogleAds();
        api._app = await LoopbackWebApp.StartAsync(app => app.Run(api.HandleAsync));
        return api;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var body = await new StreamReader(request.Body).ReadToEndAsync();
        Requests.Enqueue((request.Method, request.Path + request.QueryString, request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body, Time.GetUtcNow()));
        if (request.Headers["developer-token"] != DeveloperToken)
        {
            await ErrorAsync(context, 401, "UNAUTHENTICATED", "authenticationError", "DEVELOPER_TOKEN_INVALID");
            return;
        }

        var path = request.Path.Value ?? "";
        if (path.EndsWith(":searchStream", StringComparison.Ordinal) && request.Method == "POST")
        {
            var batches = new JsonArray([.. Rows.Count == 0 ? [Page([], null)] : Rows.Chunk(PageSize).Select(rows => (JsonNode)Page(rows, null))]);
            await AnswerAsync(context, batches);
            return;
        }

        string? token;
        if (path.EndsWith(":search", StringComparison.Ordinal) && request.Method == "POST")
        {
            token = JsonNode.Parse(body)?["pageToken"]?.GetValue<string>();
        }
        else if (path == "/v1/rows" && request.Method == "GET")
        {
            token = request.Query["pageToken"];
        }
        else
        {
            await ErrorAsync(context, 404, "NOT_FOUND", "requestError", "RESOURCE_NOT_FOUND");
            return;
        }

        var page = token is null ? 1 : Enumerable.Range(1, 1000).FirstOrDefault(p => TokenAfter(p) == token) + 1;
        if (page == 1 && token is not null)
        {
            await ErrorAsync(context, 400, "INVALID_ARGUMENT", "requestError", "INVALID_PAGE_TOKEN");
            return;
        }

        if (page == FailingPage)
        {
            await ErrorAsync(context, 500, "INTERNAL", "internalError", "INTERNAL_ERROR");
            return;
        }

        var rows = Rows.Skip((page - 1) * PageSize).Take(PageSize).ToList();
        var more = page * PageSize < Rows.Count;
        await AnswerAsync(context, Page(rows, more ? TokenAfter(page) : null));
    }

    // As Google Ads does, a page without rows has no "results" at all.
    private static JsonObject Page(IReadOnlyCollection<JsonObject> rows, string? nextPageToken)
    {
        var page = new JsonObject
        {
            ["fieldMask"] = "campaign.id,campaign.name,segments.date,metrics.clicks,metrics.impressions,metrics.costMicros",
            ["requestId"] = Guid.NewGuid().ToString("N"),
        };
        if (rows.Count > 0)
        {
            page["results"] = new JsonArray([.. rows.Select(r => r.DeepClone())]);
        }

        if (nextPageToken is not null)
        {
            page["nextPageToken"] = nextPageToken;
        }

        return page;
    }

    private static Task ErrorAsync(HttpContext context, int code, string status, string errorKind, string errorCode) => WriteAsync(context, code, new JsonObject
    {
        ["error"] = new JsonObject
        {
            ["code"] = code,
            ["message"] = "Request contains an invalid argument.",
            ["status"] = status,
            ["details"] = new JsonArray(new JsonObject
            {
                ["@type"] = "type.googleapis.com/google.ads.googleads.v18.errors.GoogleAdsFailure",
                ["errors"] = new JsonArray(new JsonObject { ["errorCode"] = new JsonObject { [errorKind] = errorCode } }),
            }),
        },
    });

    private static async Task WriteAsync(HttpContext context, int status, JsonNode json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=UTF-8";
        await context.Response.WriteAsync(json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    private async Task AnswerAsync(HttpContext context, JsonNode json)
    {
        Responses.Enqueue(json.ToJsonString());
        await WriteAsync(context, 200, json);
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
