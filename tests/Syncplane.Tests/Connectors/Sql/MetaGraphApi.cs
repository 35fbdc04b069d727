using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Connectors.Sql;

/// <summary>
/// A fake Meta Marketing API insights edge on 127.0.0.1 (<c>GET /v19.0/act_42/insights</c>), answering in the documented
/// Graph API shape: <c>{ "data": [...], "paging": { "cursors": { "before", "after" }, "next" } }</c>, metrics as strings
/// (<c>"spend": "12.34"</c>), cursor pagination through <c>after</c>, no <c>next</c> on the last page.
/// </summary>
internal sealed class MetaGraphApi : IAsyncDisposable
{
    public const string Path = "/v19.0/act_42/insights";

    private readonly LoopbackHttpServer _server;

    public MetaGraphApi() => _server = new LoopbackHttpServer(Answer);

    /// <summary>The insight rows, in the order the API returns them; edit while a test runs.</summary>
    public List<JsonObject> Rows { get; } = [];

    /// <summary>Rows per page.</summary>
    public int Limit { get; set; } = 2;

    /// <summary>The 1-based page that answers 500 (a Graph "unknown error"), or null.</summary>
    public int? FailingPage { get; set; }

    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>The first page's URL, as a config's <c>url</c>.</summary>
    public string Url => $"{_server.Url.TrimEnd('/')}{Path}?level=campaign&time_increment=1&fields=campaign_id,campaign_name,date_start,spend,impressions,clicks";

    /// <summary>Adds an insight row of campaign <paramref name="campaign"/> on <paramref name="date"/>.</summary>
    public JsonObject Add(string campaign, string date, string spend, string impressions, string clicks)
    {
        var row = new JsonObject
        {
            ["campaign_id"] = campaign,
            ["campaign_name"] = "Campaign " + campaign,
            ["date_start"] = date,
            ["date_stop"] = date,
            ["spend"] = spend,
            ["impressions"] = impressions,
            ["clicks"] = clicks,
        };
        Rows.Add(row);
        return row;
    }

    public JsonObject Row(string campaign, string date) =>
        Rows.Single(r => (string?)r["campaign_id"] == campaign && (string?)r["date_start"] == date);

    private LoopbackHttpServer.Reply Answer(string target)
    {
        Requests.Enqueue(target);
        if (!target.StartsWith(Path, StringComparison.Ordinal))
        {
            return Error(404, "Unknown path components", 2500);
        }

        var query = System.Web.HttpUtility.ParseQueryString(new Uri("http://x" + target).Query);
        var offset = query["after"] is { } after ? int.Parse(System.Text.Encoding.ASCII.GetString(Convert.FromBase64String(after)), CultureInfo.InvariantCulture) : 0;
        var page = offset / Limit + 1;
        if (page == FailingPage)
        {
            return Error(500, "An unknown error has occurred.", 1);
        }

        var rows = Rows.Skip(offset).Take(Limit).Select(r => r.DeepClone()).ToArray();
        var paging = new JsonObject
        {
            ["cursors"] = new JsonObject { ["before"] = Cursor(offset), ["after"] = Cursor(offset + rows.Length) },
        };
        if (offset + rows.Length < Rows.Count)
        {
            query["after"] = Cursor(offset + rows.Length);
            paging["next"] = $"{_server.Url.TrimEnd('/')}{Path}?{query}";
        }

        var body = new JsonObject { ["data"] = new JsonArray(rows), ["paging"] = paging };
        return new LoopbackHttpServer.Reply(200, body.ToJsonString(), ContentType: "application/json");
    }

    private static string Cursor(int offset) => Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(offset.ToString(CultureInfo.InvariantCulture)));

    private static LoopbackHttpServer.Reply Error(int status, string message, int code) =>
        new(status, JsonSerializer.Serialize(new { error = new { message, type = "OAuthException", code, fbtrace_id = "AbCdEf" } }), ContentType: "application/json");

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
