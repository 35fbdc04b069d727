using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;
using Syncplane.Storage;
using Syncplane.Storage.Postgres;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Cli;

/// <summary>
/// Issue 3's judged scenario: three <c>syncplane serve</c> nodes on one PostgreSQL, 200 targets on short
/// schedules; the node holding the scheduler lease is SIGKILLed mid-run and restarted, then PostgreSQL
/// restarts under load. Nothing is lost, no target runs twice at once, killed runs are retried, the
/// scheduler fails over and the nodes carry on after the database comes back.
/// </summary>
public sealed class SoakTests : IDisposable
{
    private const int Targets = 200;
    private readonly TempDirectory _dir = new();
    private readonly List<Node> _nodes = [];

    public void Dispose()
    {
        foreach (var node in _nodes.Where(n => !n.Process.HasExited))
        {
            node.Process.Kill(entireProcessTree: true);
        }

        _dir.Dispose();
    }

    [Fact]
    public async Task ThreeNodes_SurviveAKilledNodeAndADatabaseRestart_WithoutLosingOrDoublingRuns()
    {
        await using var postgres = await ThrowawayPostgres.StartAsync();
        var yaml = new StringBuilder("defaults:\n  retry: { attempts: 5, backoff: [1s] }\n  jitter: 2s\ntargets:\n");
        for (var i = 0; i < Targets; i++)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  t{i:000}: {{ entrypoint: \"echo start $$ >> log/t{i:000}; sleep 0.1; echo end $$ >> log/t{i:000}\", schedule: every 15s }}\n");
        }

        _dir.Write("syncplane.yaml", yaml.ToString());
        Directory.CreateDirectory(_dir.Combine("log"));
        await using var store = new PostgresSyncStore(postgres.ConnectionString, TimeProvider.System);
        await store.MigrateAsync(CancellationToken.None);
        for (var n = 0; n < 3; n++)
        {
            _nodes.Add(StartNode(postgres.ConnectionString));
        }

        // Load: every target has run at least once.
        await WaitUntilAsync("every target ran", async () => (await SucceededTargetsAsync(postgres)) >= Targets, TimeSpan.FromSeconds(90));

        // SIGKILL the scheduler's node while it runs something.
        var victim = await SchedulerNodeAsync(postgres);
        Assert.NotNull(victim);
        var killedRuns = await WaitForRunningRunsAsync(postgres, victim);
        victim.Process.Kill();
        await victim.Process.WaitForExitAsync();
        var killedAt = TimeProvider.System.GetUtcNow();
        await WaitUntilAsync("another node took the scheduler over", async () => (await SchedulerNodeAsync(postgres)) is { } now && now != victim, TimeSpan.FromSeconds(60));
        await WaitUntilAsync("firings continue after the kill", async () => await CountAsync(postgres, "SELECT COUNT(*) FROM firings WHERE fired_at > @at", killedAt) > 0, TimeSpan.FromSeconds(60));
        await WaitUntilAsync("the killed runs were retried or superseded", async () => await AllEndedAsync(store, killedRuns), TimeSpan.FromSeconds(60));
        _nodes.Add(StartNode(postgres.ConnectionString));

        // The database restarts under load; the nodes reconnect and carry on.
        await postgres.RestartAsync();
        var restartedAt = TimeProvider.System.GetUtcNow();
        await WaitUntilAsync("runs succeed again after the restart", async () =>
            await CountAsync(postgres, "SELECT COUNT(*) FROM runs WHERE status = 'succeeded' AND finished_at > @at", restartedAt) >= 50, TimeSpan.FromSeconds(90));

        foreach (var node in _nodes.Where(n => !n.Process.HasExited))
        {
            await SyncplaneCli.TerminateAsync(node.Process, TimeSpan.FromSeconds(60));
        }

        await using var reopened = new PostgresSyncStore(postgres.ConnectionString, TimeProvider.System); // the first store's connections died with the server
        var runs = await reopened.ListRunsAsync(new RunQuery(Limit: 100_000), CancellationToken.None);
        var output = NodesOutput();
        var stranded = runs.Where(r => r.Status == RunStatus.Running).Select(r => $"run {r.Id} ({r.Target}, attempt {r.Attempt}, worker {r.WorkerId})").ToList();
        Assert.True(stranded.Count == 0, $"left running after every node stopped: {string.Join(", ", stranded)}\n{output}");
        Assert.All(runs.Where(r => r.Status == RunStatus.Failed), r => Assert.Contains("superseded by queued run", r.Message, StringComparison.Ordinal));
        foreach (var killed in killedRuns)
        {
            var run = runs.Single(r => r.Id == killed);
            // A run seen running may still have finished in the moment before the kill (its script takes 0.1 s): then the
            // victim recorded it, before it died. Otherwise it was retried on another node, or superseded.
            var endedBeforeKill = run.Status == RunStatus.Succeeded && run.Attempt == 1 && run.FinishedAt <= killedAt;
            Assert.True(endedBeforeKill || (run.Status == RunStatus.Succeeded ? run.Attempt >= 2 : run.Message!.Contains("superseded", StringComparison.Ordinal)),
                $"run {killed}: {run.Status} attempt {run.Attempt} finished {run.FinishedAt:O} (node killed {killedAt:O}): {run.Message}\n{output}");
        }

        for (var i = 0; i < Targets; i++)
        {
            // Runs of one target never overlap: every run that ended started right before (a killed node's script dies with it, unended).
            var lines = File.ReadAllLines(_dir.Combine("log", $"t{i:000}"));
            Assert.True(lines.Select((line, n) => !line.StartsWith("end ", StringComparison.Ordinal) || (n > 0 && lines[n - 1] == "start " + line[4..])).All(ok => ok),
                $"t{i:000} ran twice at once: {string.Join(',', lines)}");
        }
    }

    private static async Task<int> SucceededTargetsAsync(ThrowawayPostgres postgres) =>
        await CountAsync(postgres, "SELECT COUNT(DISTINCT target) FROM runs WHERE status = 'succeeded'", null);

    private async Task<Node?> SchedulerNodeAsync(ThrowawayPostgres postgres)
    {
        try
        {
            await using var connection = new NpgsqlConnection(postgres.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT holder FROM leases WHERE name = 'scheduler' AND expires_at > now()", connection);
            var holder = await command.ExecuteScalarAsync() as string;
            return _nodes.FirstOrDefault(n => !n.Process.HasExited && holder?.Contains($"/{n.Process.Id}/", StringComparison.Ordinal) == true);
        }
        catch (NpgsqlException)
        {
            return null;
        }
    }

    private static async Task<IReadOnlyList<long>> WaitForRunningRunsAsync(ThrowawayPostgres postgres, Node? node)
    {
        Assert.NotNull(node);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            await using var connection = new NpgsqlConnection(postgres.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT id FROM runs WHERE status = 'running' AND worker_id LIKE @pid", connection);
            command.Parameters.AddWithValue("pid", $"%/{node.Process.Id}/%");
            var ids = new List<long>();
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    ids.Add(reader.GetInt64(0));
                }
            }

            if (ids.Count > 0)
            {
                return ids;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("the scheduler's node never ran anything");
    }

    private static async Task<bool> AllEndedAsync(PostgresSyncStore store, IReadOnlyList<long> ids)
    {
        foreach (var id in ids)
        {
            if (await store.GetRunAsync(id, CancellationToken.None) is not { Status: RunStatus.Succeeded or RunStatus.Failed })
            {
                return false;
            }
        }

        return true;
    }

    private static async Task<int> CountAsync(ThrowawayPostgres postgres, string sql, DateTimeOffset? at)
    {
        try
        {
            await using var connection = new NpgsqlConnection(postgres.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            if (at is { } value)
            {
                command.Parameters.AddWithValue("at", value);
            }

            return Convert.ToInt32(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }
        catch (NpgsqlException)
        {
            return 0; // restarting
        }
    }

    private async Task WaitUntilAsync(string what, Func<Task<bool>> condition, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < limit, $"timed out waiting until {what}\n{NodesOutput()}");
            await Task.Delay(200);
        }
    }

    // The last lines each node printed, for a failure message.
    private string NodesOutput() => string.Join("\n---\n", _nodes.Select(n =>
    {
        lock (n.Output)
        {
            return n.Output.ToString()[^Math.Min(3000, n.Output.Length)..];
        }
    }));

    private Node StartNode(string connection)
    {
        var process = Process.Start(SyncplaneCli.StartInfo(_dir.Path, null,
            "serve", "--store", connection, "--urls", "http://127.0.0.1:0", "--concurrency", "4", "--lease-seconds", "3"))!;
        var node = new Node(process, new StringBuilder());
        process.OutputDataReceived += (_, e) => node.Append(e.Data);
        process.ErrorDataReceived += (_, e) => node.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    private sealed record Node(Process Process, StringBuilder Output)
    {
        public void Append(string? line)
        {
            lock (Output)
            {
                Output.AppendLine(line);
            }
        }
    }
}
