using System.Diagnostics;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Cli;

/// <summary>
/// Issue 17: a bidirectional <c>syncplane run</c> SIGKILLed while it copies both ways. The listing of the last good run
/// stays; the next run finds what the killed one copied identical on both sides (nothing to do, no conflict), copies
/// the rest, and leaves no temp file behind.
/// </summary>
public sealed class TwoWayKilledRunTests : IDisposable
{
    private const int SourceFiles = 12_000;
    private const int DestinationFiles = 4_000;

    private readonly TempDirectory _dir = new();
    private Process? _process;

    public void Dispose()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
        }

        _process?.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task KilledMidRun_TheNextRunConvergesWithoutConflictsOrLoss()
    {
        Directory.CreateDirectory(_dir["a"]);
        Directory.CreateDirectory(_dir["b"]);
        _dir.Write("syncplane.yaml", """
            targets:
              both:
                direction: bidirectional
                source: { directory: { path: a } }
                destination: { directory: { path: b } }
            """);
        var first = await SyncplaneCli.RunAsync(_dir.Path, "run", "--ci", "--resync");
        Assert.True(first.ExitCode == 0, first.All);
        Write("a", "s", SourceFiles);
        Write("b", "t", DestinationFiles);

        _process = Process.Start(SyncplaneCli.StartInfo(_dir.Path, null, "run", "--ci"))!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var firstCopy = _dir.Combine("b", "s00", "f00000.txt");
        var clock = Stopwatch.StartNew();
        while (!File.Exists(firstCopy) && !_process.HasExited && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(1);
        }

        _process.Kill(); // SIGKILL, mid-copy
        await _process.WaitForExitAsync();

        var copiedToB = Count("b", "s");
        var copiedToA = Count("a", "t");
        Assert.True(copiedToB > 0 && copiedToB + copiedToA < SourceFiles + DestinationFiles, $"not killed mid-run: {copiedToB} and {copiedToA} copied");

        var next = await SyncplaneCli.RunAsync(_dir.Path, "run", "--ci");

        Assert.True(next.ExitCode == 0, next.All);
        Assert.Contains(
            $"into the destination {SourceFiles - copiedToB} created, 0 updated, 0 deleted; into the source {DestinationFiles - copiedToA} created, 0 updated, 0 deleted",
            next.Stdout,
            StringComparison.Ordinal);
        Assert.DoesNotContain("conflict", next.Stdout, StringComparison.Ordinal);
        var a = TreeListing.Describe(_dir["a"], withDirectoryTimes: false);
        Assert.Equal(a, TreeListing.Describe(_dir["b"], withDirectoryTimes: false));
        Assert.Equal(SourceFiles + DestinationFiles, a.Count(l => l.StartsWith("F ", StringComparison.Ordinal)));
        Assert.DoesNotContain(a, l => l.Contains(".syncplane-tmp-", StringComparison.Ordinal));

        var again = await SyncplaneCli.RunAsync(_dir.Path, "run", "--ci");
        Assert.Contains("in sync: nothing to change", again.Stdout, StringComparison.Ordinal);
    }

    private void Write(string side, string prefix, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var directory = _dir.Combine(side, $"{prefix}{i / 1000:00}");
            if (i % 1000 == 0)
            {
                Directory.CreateDirectory(directory);
            }

            File.WriteAllText(Path.Combine(directory, $"f{i:00000}.txt"), $"{prefix} {i}");
        }
    }

    private int Count(string side, string prefix) =>
        Directory.EnumerateDirectories(_dir[side], prefix + "*").Sum(d => Directory.EnumerateFiles(d, "f*.txt").Count());
}
