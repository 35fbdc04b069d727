using System.Text.Json;
using Syncplane.Engine;
using Syncplane.Storage.Sqlite;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Server;

/// <summary>A long run reports its progress as run.progress events, at most one per second; a short one records none.</summary>
public sealed class RunProgressEventsTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new();
    private SqliteSyncStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = new SqliteSyncStore(_dir.Combine("s.db"), _time);
        await _store.MigrateAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task Reports_AreThrottledToOnePerSecond_StartingAfterTheFirstSecond()
    {
        var progress = new RunProgressEvents(_store, _time, 7, "mirror") { Total = 50 };

        progress.Report(1);
        await progress.FlushAsync();
        _time.Advance(TimeSpan.FromSeconds(1));
        progress.Report(10);
        await progress.FlushAsync();
        _time.Advance(TimeSpan.FromMilliseconds(500));
        progress.Report(20);
        await progress.FlushAsync();
        _time.Advance(TimeSpan.FromMilliseconds(500));
        progress.Report(30);
        await progress.FlushAsync();

        var events = await _store.ReadEventsAsync(0, 10, CancellationToken.None);
        Assert.Equal([10, 30], events.Select(e => JsonDocument.Parse(e.Data).RootElement.GetProperty("done").GetInt32()));
        Assert.All(events, e => Assert.Equal(("run.progress", "mirror", 7L), (e.Type, e.Target!, e.RunId!.Value)));
        Assert.Equal(50, JsonDocument.Parse(events[0].Data).RootElement.GetProperty("total").GetInt32());
    }
}
