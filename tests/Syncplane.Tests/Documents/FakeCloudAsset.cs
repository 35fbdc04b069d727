using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Documents;

/// <summary>
/// Cloud Asset Inventory's <c>searchAllResources</c> on 127.0.0.1, as the http source reads it: pages of
/// <c>{ "results": [ResourceSearchResult…], "nextPageToken" }</c> (../shared/fixtures/providers/gcp-cloud-asset/
/// searchAllResources.asset_service.proto.excerpt, ResourceSearchResult.assets.proto.excerpt), or a status while <see cref="FailWith"/> is set.
/// </summary>
internal sealed partial class FakeCloudAsset : IAsyncDisposable
{
    private readonly LoopbackHttpServer _server;

    public FakeCloudAsset(int pageSize = 2)
    {
        _server = new LoopbackHttpServer(path => Page(path, pageSize));
    }

    /// <summary>The resources served, in order.</summary>
    public List<JsonObject> Assets { get; } = [];

    /// <summary>When set, every request gets this status (503: the API is down).</summary>
    public int? FailWith { get; set; }

    public string Url => $"{_server.Url}v1/organizations/123456789:searchAllResources";

    public static JsonObject Resource(string name, string assetType, string state = "ACTIVE", string updateTime = "2026-03-01T10:00:00Z") => new()
    {
        ["name"] = name,
        ["assetType"] = assetType,
        ["project"] = "projects/000000000000",
        ["displayName"] = name[(name.LastIndexOf('/') + 1)..],
        ["location"] = "europe-west1",
        ["state"] = state,
        ["updateTime"] = updateTime,
    };

    /// <summary>A small landing zone: 2 projects, a VPC, a cluster, a database, and a bucket that no group takes.</summary>
    public FakeCloudAsset WithLandingZone()
    {
        Assets.AddRange([
            Resource("//cloudresourcemanager.googleapis.com/projects/lz-prod", "cloudresourcemanager.googleapis.com/Project"),
            Resource("//cloudresourcemanager.googleapis.com/projects/lz-dev", "cloudresourcemanager.googleapis.com/Project"),
            Resource("//compute.googleapis.com/projects/lz-prod/global/networks/lz-vpc", "compute.googleapis.com/Network"),
            Resource("//container.googleapis.com/projects/lz-prod/locations/europe-west1/clusters/apps", "container.googleapis.com/Cluster", "RUNNING"),
            Resource("//sqladmin.googleapis.com/projects/lz-prod/instances/portal-db", "sqladmin.googleapis.com/Instance", "RUNNABLE"),
            Resource("//storage.googleapis.com/lz-logs", "storage.googleapis.com/Bucket"),
        ]);
        return this;
    }

    private LoopbackHttpServer.Reply Page(string path, int pageSize)
    {
        if (FailWith is { } status)
        {
            return new LoopbackHttpServer.Reply(status, """{"error":{"code":503,"message":"The service is currently unavailable.","status":"UNAVAILABLE"}}""", ContentType: "application/json");
        }

        var start = PageToken().Match(path) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        var page = new JsonObject { ["results"] = new JsonArray([.. Assets.Skip(start).Take(pageSize).Select(a => (JsonNode)a.DeepClone())]) };
        if (start + pageSize < Assets.Count)
        {
            page["nextPageToken"] = (start + pageSize).ToString(CultureInfo.InvariantCulture);
        }

        return new LoopbackHttpServer.Reply(200, page.ToJsonString(), ContentType: "application/json");
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [GeneratedRegex(@"[?&]pageToken=(\d+)")]
    private static partial Regex PageToken();
}
