using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Cli;

/// <summary>
/// <c>syncplane serve</c> watches a directory source with <c>watch: true</c>: writes, deletes and renames reach the
/// destination without the schedule (yearly here) firing, and those runs read only the changed paths.
/// </summary>
public sealed partial class WatchedDirectoryTests : IDisposable
{
    private const int Bulk = 50;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Serve_WritesDeletesAndRenamesInAWatchedFolder_ReachTheDestination_ReadingOnlyTheChangedPaths()
    {
        _dir.Write("syncplane.yaml", """
            targets:
              mirror:
                source:
                  directory: { path: ./in, watch: { debounce: 20ms } }
                destination:
                  directory: { path: ./out }
                schedule: "@yearly"
            """);
        for (var i = 0; i < Bulk; i++)
        {
            _dir.Write($"in/bulk/{i}.txt", $"file {i}");
        }

        _dir.Write("in/keep.txt", "keep");
        _dir.Write("in/dir/x.txt", "x");

        using var serve = Process.Start(SyncplaneCli.StartInfo(_dir.Path, null, "serve", "--urls", "http://127.0.0.1:0", "--shutdown-grace", "1"))!;
        var output = new ProcessOutput(serve, "serve");
        try
        {
            // On start the watcher queues one run that walks the tree (what changed while nobody watched).
            await output.WaitUntilAsync(() => output.Text.Contains("finished succeeded", StringComparison.Ordinal), Deadline);
            Assert.True(File.Exists(_dir.Combine("out", "bulk", $"{Bulk - 1}.txt")));

            _dir.Write("in/new.txt", "fresh");
            await output.WaitUntilAsync(() => ContentOf("out/new.txt") == "fresh", Deadline);

            File.Delete(_dir.Combine("in", "keep.txt"));
            await output.WaitUntilAsync(() => !File.Exists(_dir.Combine("out", "keep.txt")), Deadline);

            Directory.Move(_dir.Combine("in", "dir"), _dir.Combine("in", "moved"));
            await output.WaitUntilAsync(() => ContentOf("out/moved/x.txt") == "x" && !Directory.Exists(_dir.Combine("out", "dir")), Deadline);

            File.Move(_dir.Combine("in", "new.txt"), _dir.Combine("in", "renamed.txt"));
            await output.WaitUntilAsync(() => ContentOf("out/renamed.txt") == "fresh" && !File.Exists(_dir.Combine("out", "new.txt")), Deadline);
        }
        finally
        {
            await SyncplaneCli.TerminateAsync(serve, TimeSpan.FromSeconds(30));
        }

        Assert.Equal(TreeListing.Describe(_dir.Combine("in"), withDirectoryTimes: false), TreeListing.Describe(_dir.Combine("out"), withDirectoryTimes: false));
        var history = await SyncplaneCli.RunAsync(_dir.Path, "history", "--target", "mirror", "--json", "--limit", "100");
        Assert.Equal(0, history.ExitCode);
        var runs = JsonDocument.Parse(history.Stdout).RootElement.EnumerateArray()
            .Select(r => (Trigger: r.GetProperty("trigger").GetString(), Status: r.GetProperty("status").GetString(), Message: r.GetProperty("message").GetString() ?? ""))
            .Reverse().ToList();
        var all = string.Join("\n", runs);
        Assert.All(runs, r => Assert.Equal("watch", r.Trigger)); // the schedule never fired
        Assert.All(runs, r => Assert.Equal("succeeded", r.Status));
        Assert.DoesNotContain("no full walk", runs[0].Message, StringComparison.Ordinal); // the start walks the tree
        Assert.Contains($"{Bulk + 2} created", runs[0].Message, StringComparison.Ordinal);
        foreach (var (_, _, message) in runs.Skip(1))
        {
            // A walk would count the 50 untouched files as unchanged; these runs read only what changed.
            Assert.Contains("changed path(s), no full walk", message, StringComparison.Ordinal);
            Assert.True(int.Parse(Unchanged().Match(message).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) < Bulk, all);
        }

        Assert.Contains(runs, r => r.Message.Contains("1 created", StringComparison.Ordinal) && r.Message.Contains("read 1 changed path(s)", StringComparison.Ordinal));
        Assert.Contains(runs, r => r.Message.Contains("1 deleted", StringComparison.Ordinal));
    }

    private string? ContentOf(string relative) => File.Exists(_dir[relative]) ? File.ReadAllText(_dir[relative]) : null;

    [GeneratedRegex(@"(\d+) unchanged")]
    private static partial Regex Unchanged();
}
