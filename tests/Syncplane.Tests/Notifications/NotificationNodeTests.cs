using Syncplane.Storage;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Notifications;

/// <summary>A node started as <c>syncplane serve</c> starts it sends the outcomes of the runs its workers finish.</summary>
public sealed class NotificationNodeTests
{
    [Fact]
    public async Task Node_WithNotifiers_SendsTheOutcomeOfAFailedRun()
    {
        await using var receiver = await NotificationReceiver.StartAsync();
        await using var server = await TestServer.StartAsync($$"""
            targets:
              broken:
                source: { directory: { path: missing } }
                destination: { directory: { path: out } }
                retry: { attempts: 1 }
            notifiers:
              ops: { webhook: "{{receiver.Url("/hook")}}", format: slack }
            """);
        await NotificationBed.WaitUntilAsync(
            () => server.Store.GetCursorAsync("notifier", CancellationToken.None).GetAwaiter().GetResult() is not null, "the dispatcher to start");

        var queued = await server.Store.EnqueueAsync(new RunRequest("broken", "manual", RunPriority.Manual, TimeProvider.System.GetUtcNow()), CancellationToken.None);

        var text = (await receiver.WaitForAsync(1)).Single().Json.GetProperty("text").GetString();
        Assert.StartsWith($"Syncplane: target *broken* failed (run {queued.RunId}, attempt 1): ", text, StringComparison.Ordinal);
    }
}
