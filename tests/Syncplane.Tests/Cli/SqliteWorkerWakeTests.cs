using System.Diagnostics;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Cli;

/// <summary>A <c>syncplane worker</c> idle on the SQLite store hears a <c>syncplane trigger</c> run by another process.</summary>
public sealed class SqliteWorkerWakeTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task IdleWorker_ATriggerFromAnotherProcess_WakesItToRunTheTarget()
    {
        _dir.Write("syncplane.yaml", "targets:\n  hello: { entrypoint: \"echo hello\" }\n");

        // Left alone, this worker looks at the queue every 10 minutes: a run that ends within a minute was woken.
        using var worker = Process.Start(SyncplaneCli.StartInfo(_dir.Path, null, "worker", "--idle-seconds", "600"))!;
        var output = new ProcessOutput(worker, "worker");
        try
        {
            // The worker's first wait starts watching (making the wake directory); a moment later it is idle.
            await output.WaitUntilAsync(() => Directory.Exists(_dir.Combine(".syncplane", "syncplane.db-wake")), TimeSpan.FromSeconds(60));
            await Task.Delay(1000);

            var trigger = await SyncplaneCli.RunAsync(_dir.Path, "trigger", "hello");

            Assert.Equal(0, trigger.ExitCode);
            await output.WaitUntilAsync(() => output.Text.Contains("hello attempt 1: finished succeeded", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        }
        finally
        {
            await SyncplaneCli.TerminateAsync(worker, TimeSpan.FromSeconds(30));
        }

        Assert.Equal(0, worker.ExitCode);
    }
}
