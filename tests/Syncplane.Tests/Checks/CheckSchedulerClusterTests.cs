using Syncplane.Checks;
using Syncplane.Config;
using Syncplane.Events;
using Syncplane.Storage.Postgres;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Checks;

/// <summary>Two nodes' check schedulers on one PostgreSQL store: one probes, the other serves and takes over when the first stops.</summary>
public sealed class CheckSchedulerClusterTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task OnlyTheLeaseHolderProbes_AndAfterATakeoverTheStatusIsNotReportedAsChangedAgain()
    {
        var time = new FakeTimeProvider();
        var connection = database.CreateSchema();
        await using var storeA = new PostgresSyncStore(connection, time);
        await storeA.MigrateAsync(CancellationToken.None);
        await using var storeB = new PostgresSyncStore(connection, time);
        using var directory = new TempDirectory();
        var checks = CheckTestBed.Bind("  echo: { command: \"echo ok\", interval: 10s }\n", directory.Path);
        var runner = new CheckRunner(time, new SecretResolver(directory.Path));
        var a = new CheckScheduler(checks, storeA, runner, time, new CheckSchedulerOptions { Holder = "node-a" });
        var b = new CheckScheduler(checks, storeB, runner, time, new CheckSchedulerOptions { Holder = "node-b" });

        for (var i = 0; i < 3; i++)
        {
            await PassAsync(a);
            await PassAsync(b);
            time.Advance(TimeSpan.FromSeconds(10));
        }

        Assert.Equal(3, (await storeB.ListCheckResultsAsync("echo", null, 100, CancellationToken.None)).Count);

        time.Advance(TimeSpan.FromSeconds(15)); // node-a stopped renewing: its lease lapses
        await PassAsync(b);

        Assert.Equal(4, (await storeB.ListCheckResultsAsync("echo", null, 100, CancellationToken.None)).Count);
        var changes = (await storeB.ReadEventsAsync(0, 100, CancellationToken.None)).Where(e => e.Type == EventTypes.CheckChanged);
        Assert.Single(changes);
    }

    private static async Task PassAsync(CheckScheduler scheduler)
    {
        await scheduler.PassAsync(CancellationToken.None);
        await scheduler.WhenProbesDoneAsync();
    }
}
