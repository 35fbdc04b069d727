using Syncplane.Notifications;
using Syncplane.Storage;
using Syncplane.Storage.Postgres;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Notifications;

/// <summary>Two nodes on one PostgreSQL store: only the holder of the "notifier" lease sends, and the other takes over when it stops.</summary>
public sealed class NotificationClusterTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private NotificationReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await NotificationReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task TwoNodes_SendEachNotificationOnce_AndTheStandbyTakesOverWhereTheActiveStopped()
    {
        var connection = database.CreateSchema();
        var storeA = new PostgresSyncStore(connection, TimeProvider.System);
        await storeA.MigrateAsync(CancellationToken.None);
        await using var storeB = new PostgresSyncStore(connection, TimeProvider.System);
        await using var bed = new NotificationBed(storeA, TimeProvider.System, new TempDirectory(), ownsStore: true);
        var yaml = $$"""
            notifiers:
              ops: { webhook: "{{_receiver.Url("/hook")}}" }
            """;
        var a = await bed.StartAsync(yaml, "node-a");
        var b = await bed.StartAsync(yaml, "node-b", waitActive: false, store: storeB);

        var sent = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            sent.Add(await bed.RunEndsAsync($"t{i}", RunStatus.Failed));
        }

        await _receiver.WaitForAsync(5);
        await NotificationBed.WaitUntilAsync(() => CaughtUp(storeB), "the cursor to pass the last run");
        Assert.Equal(sent, _receiver.Requests.Select(r => r.Json.GetProperty("run_id").GetInt64()));
        Assert.True(a.IsActive);
        Assert.False(b.IsActive);

        await bed.StopAsync(0);
        var afterTakeover = await bed.RunEndsAsync("docs", RunStatus.Failed);
        await _receiver.WaitForAsync(6);
        await NotificationBed.WaitUntilAsync(() => CaughtUp(storeB), "the cursor to pass the run after the takeover");

        Assert.Equal([.. sent, afterTakeover], _receiver.Requests.Select(r => r.Json.GetProperty("run_id").GetInt64()));
        Assert.True(b.IsActive);
    }

    private static bool CaughtUp(PostgresSyncStore store) =>
        store.GetCursorAsync(NotificationDispatcher.CursorName, CancellationToken.None).GetAwaiter().GetResult()
            >= store.GetLastEventIdAsync(CancellationToken.None).GetAwaiter().GetResult();
}
