using System.Net;
using Syncplane.Access;
using Syncplane.Storage.Postgres;
using Syncplane.Tests.Support;
using static Syncplane.Tests.Server.WebhookServerKit;
using static Syncplane.Tests.Webhooks.WebhookTestKit;

namespace Syncplane.Tests.Server;

/// <summary>Two nodes on one PostgreSQL database: what happens on one reaches event-stream clients of the other.</summary>
public sealed class MultiNodeEventsTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task WebhookPostedToNodeA_ItsEventsAndRunReachAnSseClientOfNodeB()
    {
        var connectionString = database.CreateSchema();
        await using var nodeA = await StartAsync(t => new PostgresSyncStore(connectionString, t), workers: true);
        await using var nodeB = await StartAsync(t => new PostgresSyncStore(connectionString, t), workers: false);
        using var viewerOfB = nodeB.Client(ApiRole.Viewer);
        await using var streamOfB = await SseClient.ConnectAsync(viewerOfB, "/api/v1/events?type=webhook.received&type=run.*");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (nodeB.StreamSubscribers == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the stream of node B did not subscribe");
            await Task.Delay(10);
        }

        using var clientOfA = nodeA.Client();
        var (response, json) = await PostGitHubAsync(clientOfA, "push", Fixture("github.push.with-new-branch.payload.json"), "multi-node-1");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var runId = json.GetProperty("runs")[0].GetProperty("run_id").GetInt64();
        var (succeeded, before) = await streamOfB.WaitForAsync(e => e.Type == "run.succeeded", "run.succeeded on node B");
        Assert.Equal((runId, "hello-master"), (succeeded.RunId!.Value, succeeded.Target));
        Assert.Equal(["webhook.received", "run.queued", "run.started"], before.Select(e => e.Type));
        Assert.Equal("multi-node-1", before[0].Data.GetProperty("delivery_id").GetString());

        // A redelivery of the same id to node B is a duplicate: the dedupe is shared by the nodes.
        using var clientOfB = nodeB.Client();
        var (again, _) = await PostGitHubAsync(clientOfB, "push", Fixture("github.push.with-new-branch.payload.json"), "multi-node-1");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }
}
