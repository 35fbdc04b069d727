using System.Runtime.Versioning;
using System.Text.Json;
using Syncplane.Connectors.Directory;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Cli;

/// <summary>
/// <c>exclude</c> through real <c>syncplane run</c>s: excluded destination paths are never touched and never
/// counted, whichever side declares the exclude, and only Syncplane's own temp files are taken for leftovers.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class DirectoryExcludeTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("source", "pull")]
    [InlineData("destination", "pull")]
    [InlineData("both", "pull")]
    [InlineData("source", "push")]
    [InlineData("destination", "push")]
    public async Task Run_ExcludedDestinationPaths_AreNeverTouched_AndTheSecondRunIsUpToDate(string excludeOn, string direction)
    {
        var leftovers = BuildTrees();
        const string exclude = "exclude: [\"cache/**\", \"**/*.log\"]";
        _dir.Write("syncplane.yaml", $$"""
            targets:
              mirror:
                direction: {{direction}}
                source: { directory: { path: src{{(excludeOn is "source" or "both" ? ", " + exclude : "")}} } }
                destination: { directory: { path: dst{{(excludeOn is "destination" or "both" ? ", " + exclude : "")}} } }
            """);

        var first = await SyncplaneCli.RunAsync(_dir.Path, "run", "--ci", "--json");
        var second = await SyncplaneCli.RunAsync(_dir.Path, "run", "--ci", "--json");

        Assert.Equal(0, first.ExitCode);
        Assert.Equal((3, 0, 1), Counts(first)); // a.txt, .syncplane-x.tmp, docs/readme.md (not the directories docs/ and cache/); old.txt
        Assert.Equal(0, second.ExitCode);
        Assert.Equal((0, 0, 0), Counts(second));
        AssertExcludedPathsUntouched();
        Assert.Equal("a user file that only looks like a temp file", File.ReadAllText(_dir.Combine("dst", ".syncplane-x.tmp")));
        Assert.False(File.Exists(_dir.Combine("dst", "old.txt")));
        Assert.False(File.Exists(leftovers.Removed), "a leftover temp file of ours outside excluded paths is removed");
        Assert.Equal("ours, but excluded", File.ReadAllText(leftovers.Kept));
    }

    [Fact]
    public async Task Run_ExcludeOnTheSource_GivesWhatRsyncDeleteExcludeGives()
    {
        Assert.True(File.Exists(Rsync.Path), "rsync is required for the parity test");
        BuildTrees();
        foreach (var entry in new DirectoryInfo(_dir.Combine("src")).EnumerateFileSystemInfos("*", SearchOption.AllDirectories))
        {
            entry.LastWriteTimeUtc = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc); // rsync compares directory times in whole seconds
        }

        CopyTree(_dir.Combine("dst"), _dir.Combine("rsync"));
        _dir.Write("syncplane.yaml", """
            targets:
              mirror:
                source: { directory: { path: src, exclude: ["cache/**", "**/*.log"] } }
                destination: { directory: { path: dst } }
            """);

        var result = await SyncplaneCli.RunAsync(_dir.Path, "run", "--ci");
        await Rsync.MirrorAsync(_dir.Combine("src"), _dir.Combine("rsync"), "--exclude=cache/**", "--exclude=*.log");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(TreeListing.Describe(_dir.Combine("rsync")), TreeListing.Describe(_dir.Combine("dst")));
    }

    /// <summary>Returns an exact-pattern temp file of ours outside excluded paths, and one inside them.</summary>
    private (string Removed, string Kept) BuildTrees()
    {
        _dir.Write("src/a.txt", "a");
        _dir.Write("src/docs/readme.md", "readme");
        _dir.Write("src/.syncplane-x.tmp", "a user file that only looks like a temp file");
        _dir.Write("src/skip.log", "the source's log, excluded");
        _dir.Write("src/cache/from-source.bin", "excluded in the source too");
        _dir.Write("dst/cache/data.bin", "user data");
        _dir.Write("dst/cache/.syncplane-mine.tmp", "user temp");
        _dir.Write("dst/logs/app.log", "user log");
        _dir.Write("dst/skip.log", "the destination's own log");
        _dir.Write("dst/old.txt", "no longer in the source");
        var removed = TempFiles.NewPath(_dir.Combine("dst"));
        File.WriteAllText(removed, "half a file from a killed run");
        var kept = TempFiles.NewPath(_dir.Combine("dst", "cache"));
        File.WriteAllText(kept, "ours, but excluded");
        return (removed, kept);
    }

    private void AssertExcludedPathsUntouched()
    {
        Assert.Equal("user data", File.ReadAllText(_dir.Combine("dst", "cache", "data.bin")));
        Assert.Equal("user temp", File.ReadAllText(_dir.Combine("dst", "cache", ".syncplane-mine.tmp")));
        Assert.False(File.Exists(_dir.Combine("dst", "cache", "from-source.bin")));
        Assert.Equal("user log", File.ReadAllText(_dir.Combine("dst", "logs", "app.log")));
        Assert.Equal("the destination's own log", File.ReadAllText(_dir.Combine("dst", "skip.log")));
    }

    /// <summary>Copies files with their contents and directories with their times (what the test compares).</summary>
    private static void CopyTree(string from, string to)
    {
        foreach (var path in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, path));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(path, target);
        }

        foreach (var directory in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.SetLastWriteTimeUtc(Path.Combine(to, Path.GetRelativePath(from, directory)), Directory.GetLastWriteTimeUtc(directory));
        }
    }

    private static (int Created, int Updated, int Deleted) Counts(SyncplaneCli.Result result)
    {
        using var json = JsonDocument.Parse(result.Stdout);
        var changes = json.RootElement.GetProperty("results")[0].GetProperty("changes");
        return (changes.GetProperty("created").GetInt32(), changes.GetProperty("updated").GetInt32(), changes.GetProperty("deleted").GetInt32());
    }
}
