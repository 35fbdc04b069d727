using System.Diagnostics;
using System.Runtime.Versioning;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Cli;

/// <summary>A directory mirror keeps modification times to the nanosecond, so rsync run afterwards finds nothing to do.</summary>
[SupportedOSPlatform("linux")]
public sealed class NanosecondMtimeTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task RsyncAfterASyncplaneCopy_HasNothingToTransfer()
    {
        Assert.True(File.Exists(Rsync.Path), "rsync is required");
        _dir.Write("src/a.txt", "a");
        _dir.Write("src/sub/b.txt", "b");
        _dir.Write("src/sub/deeper/c.txt", "c");
        File.CreateSymbolicLink(_dir["src/sub/link"], "b.txt");
        // Times with nanoseconds that 100 ns ticks cannot hold (…789), on files and directories alike.
        foreach (var path in new[] { "src/a.txt", "src/sub/b.txt", "src/sub/deeper/c.txt", "src/sub/deeper", "src/sub" })
        {
            await TouchAsync(_dir[path], "1700000000.123456789");
        }

        await MirrorAsync();

        Assert.Equal("1700000000.123456789", await StatMtimeAsync(_dir["dst/a.txt"]));
        Assert.Equal("1700000000.123456789", await StatMtimeAsync(_dir["dst/sub/deeper"]));
        Assert.Equal("", await RsyncItemizeAsync(_dir["src"], _dir["dst"]));
        var again = await SyncplaneCli.RunAsync(_dir.Path, "run", "--ci");
        Assert.Contains("up to date", again.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFileWhoseTimeDiffersOnlyBelow100Nanoseconds_GetsTheSourceTime()
    {
        _dir.Write("src/a.txt", "same content");
        _dir.Write("dst/a.txt", "same content");
        await TouchAsync(_dir["src/a.txt"], "1700000000.123456789");
        await TouchAsync(_dir["dst/a.txt"], "1700000000.123456700"); // what a 100 ns copy left
        await MirrorAsync();

        Assert.Equal("1700000000.123456789", await StatMtimeAsync(_dir["dst/a.txt"]));
    }

    // Mirrors src to dst with syncplane run, which must succeed.
    private async Task MirrorAsync()
    {
        _dir.Write("syncplane.yaml", """
            targets:
              mirror:
                source: { directory: { path: src } }
                destination: { directory: { path: dst } }
            """);
        var run = await SyncplaneCli.RunAsync(_dir.Path, "run", "--ci");
        Assert.True(run.ExitCode == 0, run.All);
    }

    private static async Task TouchAsync(string path, string unixTime) =>
        await RunAsync("touch", "-h", "-d", "@" + unixTime, path);

    private static async Task<string> StatMtimeAsync(string path)
    {
        var seconds = (await RunAsync("stat", "-c", "%Y", path)).Trim();
        var full = (await RunAsync("stat", "-c", "%y", path)).Trim(); // 2023-11-14 22:13:20.123456789 +0000
        var fraction = full.Split(' ')[1].Split('.')[1];
        return $"{seconds}.{fraction}";
    }

    /// <summary>What <c>rsync -ani</c> would change, leaving out the destination root itself (not an item: Syncplane keeps its own time).</summary>
    private static async Task<string> RsyncItemizeAsync(string source, string destination)
    {
        var output = await RunAsync(Rsync.Path, "-ani", source + "/", destination + "/");
        return string.Join("\n", output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.EndsWith(" ./", StringComparison.Ordinal)));
    }

    private static async Task<string> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{file} failed: {await stderr}");
        return await stdout;
    }
}
