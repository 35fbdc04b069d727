using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Cli;

/// <summary><c>syncplane backup</c>: a copy of the SQLite store taken while a real <c>serve</c> writes, restored and read back.</summary>
public sealed class BackupCommandTests : IDisposable
{
    private const string Config = """
        targets:
          docs: { entrypoint: "true" }
        """;

    private readonly TempDirectory _dir = new();

    public BackupCommandTests() => _dir.Write("syncplane.yaml", Config);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Backup_WhileServeWrites_HoldsEveryFinishedRun_AndRestores()
    {
        var token = (await SyncplaneCli.RunAsync(_dir.Path, "token", "create", "--name", "ci", "--role", "operator")).Stdout.Trim();
        using var serve = Process.Start(SyncplaneCli.StartInfo(_dir.Path, null, "serve", "--urls", "http://127.0.0.1:0"))!;
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        serve.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.IndexOf("listening on ", StringComparison.Ordinal) is { } at and >= 0)
            {
                listening.TrySetResult(new Uri(e.Data[(at + "listening on ".Length)..].Split(',')[0].Trim()));
            }
        };
        serve.BeginOutputReadLine();
        serve.BeginErrorReadLine();
        using var stopWriting = new CancellationTokenSource();
        try
        {
            using var client = new HttpClient { BaseAddress = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60)) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var writer = Task.Run(async () =>
            {
                while (!stopWriting.IsCancellationRequested)
                {
                    using var queued = await client.PostAsync("/api/v1/targets/docs/sync", null, CancellationToken.None);
                    queued.EnsureSuccessStatusCode();
                    await Task.Delay(20, CancellationToken.None);
                }
            });

            var finished = await WaitForSucceededRunsAsync(_dir.Path, atLeast: 3);
            var backup = await SyncplaneCli.RunAsync(_dir.Path, "backup", "--to", _dir.Combine("backup.db"));
            await WaitForSucceededRunsAsync(_dir.Path, atLeast: finished.Count + 1); // serve wrote on around the backup
            await stopWriting.CancelAsync();
            await writer;
            await SyncplaneCli.TerminateAsync(serve, TimeSpan.FromSeconds(60));
            var live = await SucceededRunsAsync(_dir.Path);

            Assert.True(backup.ExitCode == 0, backup.All);
            Assert.StartsWith("backed up " + _dir.Combine(".syncplane", "syncplane.db") + " to " + _dir.Combine("backup.db"), backup.Stdout, StringComparison.Ordinal);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_dir.Combine("backup.db")));
            Assert.Empty(Directory.GetFiles(_dir.Path, ".backup.db.*"));

            // Restore: the backup becomes another node's store, as docs/deployment.md restores it.
            using var restored = new TempDirectory();
            restored.Write("syncplane.yaml", Config);
            Directory.CreateDirectory(restored.Combine(".syncplane"));
            File.Copy(_dir.Combine("backup.db"), restored.Combine(".syncplane", "syncplane.db"));
            var runs = await SucceededRunsAsync(restored.Path);

            Assert.Superset(finished.ToHashSet(), runs.ToHashSet());
            Assert.Subset(live.ToHashSet(), runs.ToHashSet());
        }
        finally
        {
            await stopWriting.CancelAsync();
            if (!serve.HasExited)
            {
                serve.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task Backup_NeverReplacesAFile_NorCreatesAStore_NorCopiesPostgres()
    {
        _dir.Write("taken.db", "mine");

        var noStore = await SyncplaneCli.RunAsync(_dir.Path, "backup", "--to", "fresh.db");
        await SyncplaneCli.RunAsync(_dir.Path, "history");
        var taken = await SyncplaneCli.RunAsync(_dir.Path, "backup", "--to", "taken.db");
        var postgres = await SyncplaneCli.RunAsync(_dir.Path, "backup", "--to", "pg.db", "--store", "postgres://syncplane@127.0.0.1:1/syncplane");

        Assert.Equal(2, noStore.ExitCode);
        Assert.Contains("error: no SQLite store at " + _dir.Combine(".syncplane", "syncplane.db"), noStore.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, taken.ExitCode);
        Assert.Contains("taken.db exists; a backup never replaces a file", taken.Stderr, StringComparison.Ordinal);
        Assert.Equal("mine", File.ReadAllText(_dir.Combine("taken.db")));
        Assert.Equal(2, postgres.ExitCode);
        Assert.Contains("pg_dump", postgres.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.Combine("fresh.db")));
        Assert.False(File.Exists(_dir.Combine("pg.db")));
    }

    private static async Task<List<long>> SucceededRunsAsync(string directory)
    {
        var history = await SyncplaneCli.RunAsync(directory, "history", "--json", "--limit", "1000");
        Assert.True(history.ExitCode == 0, history.All);
        using var json = JsonDocument.Parse(history.Stdout);
        return [.. json.RootElement.EnumerateArray().Where(r => r.GetProperty("status").GetString() == "succeeded").Select(r => r.GetProperty("id").GetInt64())];
    }

    private static async Task<List<long>> WaitForSucceededRunsAsync(string directory, int atLeast)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var runs = await SucceededRunsAsync(directory);
            if (runs.Count >= atLeast || clock.Elapsed > TimeSpan.FromSeconds(90))
            {
                Assert.True(runs.Count >= atLeast, $"{runs.Count} succeeded run(s) after {clock.Elapsed}, waiting for {atLeast}");
                return runs;
            }
        }
    }
}
