using System.Text.Json.Nodes;
using System.Threading.Channels;
using Syncplane.Events;
using Syncplane.Storage.Sqlite;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Events;

public sealed class EventHubTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly CancellationTokenSource _stop = new(TimeSpan.FromMinutes(1));
    private SqliteSyncStore _store = null!;
    private EventHub _hub = null!;
    private Task _pump = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        _store = new SqliteSyncStore(Path.Combine(_dir.Path, "s.db"), TimeProvider.System);
        await _store.MigrateAsync(_stop.Token);
        await Append("before.start");
        _hub = new EventHub(_store, TimeProvider.System);
        _pump = _hub.RunAsync(_stop.Token);
        await _hub.Started;
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _pump;
        await _store.DisposeAsync();
        _stop.Dispose();
        _dir.Dispose();
    }

    private Task<SyncEvent> Append(string type, string? target = null) =>
        _store.AppendEventAsync(new NewEvent(type, target, null, new JsonObject()), _stop.Token);

    [Fact]
    public async Task Subscribe_DeliversOnlyNewMatchingEventsInOrder()
    {
        using var subscription = _hub.Subscribe(new EventFilter(["docs"], ["run.*"]));
        await Append("run.queued", "docs");
        await Append("run.queued", "other");
        await Append("check.changed", "docs");
        await Append("run.started", "docs");

        var first = await subscription.Reader.ReadAsync(_stop.Token);
        var second = await subscription.Reader.ReadAsync(_stop.Token);

        Assert.Equal(["run.queued", "run.started"], new[] { first.Type, second.Type });
        Assert.True(first.Id < second.Id);
        Assert.Equal(1, subscription.After);
    }

    [Fact]
    public async Task ReplayThenLive_GivesEveryEventExactlyOnce()
    {
        var seen = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            await Append("run.queued", "docs");
        }

        using var subscription = _hub.Subscribe(EventFilter.All);
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                await Append("run.started", "docs");
            }
        });
        await foreach (var e in _hub.ReplayAsync(0, subscription.After, EventFilter.All, _stop.Token))
        {
            seen.Add(e.Id);
        }

        await writer;
        while (seen.Count < 26)
        {
            seen.Add((await subscription.Reader.ReadAsync(_stop.Token)).Id);
        }

        Assert.Equal(Enumerable.Range(1, 26).Select(i => (long)i), seen);
    }

    [Fact]
    public async Task ASlowSubscriber_IsDroppedWithoutStallingTheOthers()
    {
        var hub = new EventHub(_store, TimeProvider.System, new EventHubOptions { SubscriberBuffer = 5 });
        var pump = hub.RunAsync(_stop.Token);
        await hub.Started;
        using var slow = hub.Subscribe(EventFilter.All);
        using var fast = hub.Subscribe(EventFilter.All);
        var received = new List<long>();
        for (var i = 0; i < 10; i++)
        {
            var appended = await Append("run.queued", "docs");
            received.Add((await fast.Reader.ReadAsync(_stop.Token)).Id);
            Assert.Equal(appended.Id, received[^1]);
        }

        var dropped = await Assert.ThrowsAsync<ChannelClosedException>(async () =>
        {
            while (true)
            {
                await slow.Reader.ReadAsync(_stop.Token);
            }
        });
        Assert.IsType<SlowSubscriberException>(dropped.InnerException);
        Assert.Equal(1, hub.SubscriberCount);
    }
}
