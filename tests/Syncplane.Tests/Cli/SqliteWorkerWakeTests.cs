using System.Diagnostics;
using System.Text;
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
        var output = new StringBuilder();
        worker.OutputDataReceived += (_, e) => Append(output, e.Data);
        worker.ErrorDataReceived += (_, e) => Append(output, e.Data);
        worker.BeginOutputReadLine();
        worker.BeginErrorReadLine();
        try
        {
            // The worker's first wait starts watching (making the wake directory); a moment later it is idle.
            await WaitUntilAsync(() => Directory.Exists(_dir.Combine(".syncplane", "syncplane.db-wake")), TimeSpan.FromSeconds(60), output);
            await Task.Delay(1000);

            var trigger = await SyncplaneCli.RunAsync(_dir.Path, "trigger", "hello");

            Assert.Equal(0, trigger.ExitCode);
            await WaitUntilAsync(() => Text(output).Contains("hello attempt 1: finished succeeded", StringComparison.Ordinal), TimeSpan.FromSeconds(60), output);
        }
        finally
        {
            await SyncplaneCli.TerminateAsync(worker, TimeSpan.FromSeconds(30));
        }

        Assert.Equal(0, worker.ExitCode);
    }

    private static void Append(StringBuilder output, string? line)
    {
        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan limit, StringBuilder output)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < limit, "timed out; worker output:\n" + Text(output));
            await Task.Delay(50);
        }
    }
}
