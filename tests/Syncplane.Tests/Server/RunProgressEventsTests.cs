using Syncplane.Access;
using Syncplane.Storage;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Server;

/// <summary>A run that writes items reports its progress as run.progress events on the stream.</summary>
public sealed class RunProgressEventsTests
{
    [Fact]
    public async Task DirectorySync_ReportsRunProgress_WithTheItemsDoneAndTheTotal_BeforeItSucceeds()
    {
        var files = Enumerable.Range(1, 5).ToDictionary(i => $"src/file{i}.txt", i => $"content {i}");
        await using var server = await TestServer.StartAsync("""
            targets:
              mirror:
                source: { directory: { path: src } }
                destination: { directory: { path: dst } }
            """, files: files);
        using var viewer = server.Client(ApiRole.Viewer);
        await using var events = await SseClient.ConnectAsync(viewer, "/api/v1/events?target=mirror&type=run.progress&type=run.succeeded");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (server.Context.Events.SubscriberCount == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the stream did not subscribe");
            await Task.Delay(10);
        }

        var queued = await server.Store.EnqueueAsync(new RunRequest("mirror", "manual", RunPriority.Manual, server.Context.Time.GetUtcNow()), CancellationToken.None);

        var (succeeded, before) = await events.WaitForAsync(e => e.Type == "run.succeeded", "run.succeeded");
        Assert.Equal(queued.RunId, succeeded.RunId);
        var progress = Assert.Single(before); // throttled: one per second at most, and this run takes far less
        Assert.Equal(("run.progress", queued.RunId), (progress.Type, progress.RunId!.Value));
        Assert.InRange(progress.Data.GetProperty("done").GetInt32(), 1, 5);
        Assert.Equal(5, progress.Data.GetProperty("total").GetInt32());
        Assert.Equal("mirror", progress.Data.GetProperty("target").GetString());
    }
}
