using System.Diagnostics;
using System.Globalization;
using System.Text;
using Syncplane.Storage;
using Syncplane.Storage.Postgres;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Cli;

/// <summary>Several <c>syncplane worker</c> processes share one PostgreSQL queue.</summary>
public sealed class PostgresWorkersTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IDisposable
{
    private const int Targets = 12;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ThreeWorkers_ShareTheQueue_EveryRunSucceedsAndNoTargetRunsTwiceAtOnce()
    {
        var connection = await database.CreateDatabaseAsync();
        var yaml = new StringBuilder("targets:\n");
        for (var i = 0; i < Targets; i++)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  t{i}: {{ entrypoint: \"echo start >> log/t{i}; sleep 0.3; echo end >> log/t{i}\" }}\n");
        }

        _dir.Write("syncplane.yaml", yaml.ToString());
        Directory.CreateDirectory(_dir.Combine("log"));
        await using var store = new PostgresSyncStore(connection, TimeProvider.System);
        await store.MigrateAsync(CancellationToken.None);

        var workers = Enumerable.Range(0, 3).Select(_ => StartWorker(connection)).ToList();
        try
        {
            await EnqueueAllAsync(store);
            await WaitUntilAsync(async () => (await store.ListRunsAsync(new RunQuery(Status: RunStatus.Running), CancellationToken.None)).Count > 0);
            await EnqueueAllAsync(store); // while some run: a second run each, never alongside the first
            await WaitUntilAsync(async () =>
                (await store.ListRunsAsync(new RunQuery(Limit: 1000), CancellationToken.None)).All(r => r.Status is not (RunStatus.Queued or RunStatus.Running)));
        }
        finally
        {
            foreach (var worker in workers)
            {
                await SyncplaneCli.TerminateAsync(worker.Process, TimeSpan.FromSeconds(30));
            }
        }

        var runs = await store.ListRunsAsync(new RunQuery(Limit: 1000), CancellationToken.None);
        Assert.All(runs, r => Assert.Equal(RunStatus.Succeeded, r.Status));
        Assert.InRange(runs.Count, Targets + 1, 2 * Targets);
        for (var i = 0; i < Targets; i++)
        {
            var lines = File.ReadAllLines(_dir.Combine("log", $"t{i}"));
            var expected = Enumerable.Range(0, lines.Length).Select(n => n % 2 == 0 ? "start" : "end");
            Assert.Equal(expected, lines); // runs of one target never interleave
            Assert.Equal(runs.Count(r => r.Target == $"t{i}"), lines.Length / 2);
        }

        Assert.All(workers, w => Assert.Equal(0, w.Process.ExitCode));
        var busy = workers.Count(w => w.Output.ToString().Contains("finished succeeded", StringComparison.Ordinal));
        Assert.True(busy >= 2, "the work was not shared:\n" + string.Join("\n---\n", workers.Select(w => w.Output.ToString())));
    }

    private static async Task EnqueueAllAsync(PostgresSyncStore store)
    {
        for (var i = 0; i < Targets; i++)
        {
            await store.EnqueueAsync(new RunRequest($"t{i}", "manual", RunPriority.Manual, TimeProvider.System.GetUtcNow()), CancellationToken.None);
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "timed out");
            await Task.Delay(50);
        }
    }

    private (Process Process, StringBuilder Output) StartWorker(string connection)
    {
        var process = Process.Start(SyncplaneCli.StartInfo(_dir.Path, null, "worker", "--store", connection, "--concurrency", "2"))!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, output);
    }
}
