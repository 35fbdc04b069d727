using System.Runtime.Versioning;
using Syncplane.Connectors.Directory;
using Syncplane.Planning;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Connectors.Directory;

[SupportedOSPlatform("linux")]
public sealed class TreeWalkerTests : IDisposable
{
    private readonly TempDirectory _tmp = new();

    public void Dispose() => _tmp.Dispose();

    [Fact]
    public void Walk_NativeAndManagedReaders_ProduceTheSameItems()
    {
        Assert.True(NativeDirectoryReader.IsAvailable, "these tests run on 64-bit Linux");
        _tmp.Write("t/a b/ünïcødé ✓.txt", "x");
        _tmp.Write("t/exec.sh", "#!/bin/sh");
        File.SetUnixFileMode(_tmp["t/exec.sh"], (UnixFileMode)0x1ED);
        _tmp.Write("t/.hidden", "h");
        System.IO.Directory.CreateDirectory(_tmp["t/empty"]);
        File.CreateSymbolicLink(_tmp["t/link"], "a b/ünïcødé ✓.txt");
        File.CreateSymbolicLink(_tmp["t/dangling"], "nowhere");
        File.WriteAllText(TempFiles.NewPath(_tmp["t"]), "leftover");
        var filter = new KeyFilter([], []);

        var (native, nativeTemps) = new TreeWalker(_tmp["t"], filter, native: true).Walk(CancellationToken.None);
        var (managed, managedTemps) = new TreeWalker(_tmp["t"], filter, native: false).Walk(CancellationToken.None);

        // The managed reader sees 100 ns ticks only; the native one adds the nanoseconds below them.
        Assert.Equal(managed.Items.Values.OrderBy(i => i.Key, StringComparer.Ordinal), native.Items.Values.Select(i => i with { MtimeExtraNanos = 0 }).OrderBy(i => i.Key, StringComparer.Ordinal));
        Assert.Equal(7, native.Count);
        Assert.Equal(managedTemps, nativeTemps);
        Assert.Single(nativeTemps);
        var exec = native.Items["exec.sh"];
        Assert.Equal(0x1ED, exec.Mode);
        Assert.Equal(File.GetLastWriteTimeUtc(_tmp["t/exec.sh"]).Ticks, exec.MtimeTicks);
        Assert.Equal("nowhere", native.Items["dangling"].LinkTarget);
    }

    [Fact]
    public void Walk_NativeReader_BuildsKeysFromRawNames_LikeTheManagedReader_ForLongDeepAndManyNames()
    {
        Assert.True(NativeDirectoryReader.IsAvailable, "these tests run on 64-bit Linux");
        var longest = new string('é', 127) + "x"; // 255 bytes of UTF-8: the longest name ext4 holds
        var deep = "t/α/β b/γ/δ/" + longest;
        _tmp.Write(deep + "/" + longest, "deep");
        _tmp.Write("t/α/日本語.txt", "jp");
        _tmp.Write("t/a", "1");
        _tmp.Write("t/ab", "2");
        for (var i = 0; i < 600; i++)
        {
            _tmp.Write($"t/many/f-{i:D4}-{new string('n', i % 200)}", "m"); // more than one getdents buffer
        }

        File.CreateSymbolicLink(_tmp["t/α/β b/link ✓"], "../日本語.txt");
        var filter = new KeyFilter([], []);

        var (native, _) = new TreeWalker(_tmp["t"], filter, native: true).Walk(CancellationToken.None);
        var (managed, _) = new TreeWalker(_tmp["t"], filter, native: false).Walk(CancellationToken.None);

        Assert.Equal(
            managed.Items.Values.OrderBy(i => i.Key, StringComparer.Ordinal),
            native.Items.Values.Select(i => i with { MtimeExtraNanos = 0 }).OrderBy(i => i.Key, StringComparer.Ordinal));
        Assert.Equal("deep".Length, native.Items[deep[2..] + "/" + longest].Size);
        Assert.Equal("../日本語.txt", native.Items["α/β b/link ✓"].LinkTarget);
        Assert.Equal(600, native.Items.Keys.Count(k => k.StartsWith("many/", StringComparison.Ordinal)));
    }

    [Fact]
    public void Walk_ManyDirectoriesReadByParallelReaders_ListEveryEntryOnce_LikeTheManagedReader()
    {
        // Wide and deep, so that levels of many directories are read in parallel.
        var expected = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            var chain = $"w{i:D2}";
            expected.Add(chain);
            for (var depth = 0; depth < i % 6; depth++)
            {
                chain += $"/d{depth}";
                expected.Add(chain);
            }

            for (var f = 0; f < 25; f++)
            {
                _tmp.Write($"t/{chain}/f{f}.txt", new string('x', f));
                expected.Add($"{chain}/f{f}.txt");
            }

            System.IO.Directory.CreateDirectory(_tmp[$"t/{chain}/empty"]);
            expected.Add($"{chain}/empty");
            File.CreateSymbolicLink(_tmp[$"t/{chain}/up"], "..");
            expected.Add($"{chain}/up");
        }

        var filter = new KeyFilter([], []);
        var (native, _) = new TreeWalker(_tmp["t"], filter, native: true).Walk(CancellationToken.None);
        var (managed, _) = new TreeWalker(_tmp["t"], filter, native: false).Walk(CancellationToken.None);

        Assert.Equal(expected.Order(StringComparer.Ordinal), native.Items.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(
            managed.Items.Values.OrderBy(i => i.Key, StringComparer.Ordinal),
            native.Items.Values.Select(i => i with { MtimeExtraNanos = 0 }).OrderBy(i => i.Key, StringComparer.Ordinal));
        Assert.Equal(ItemKind.Symlink, native.Items["w05/d0/d1/d2/d3/d4/up"].Kind);
        Assert.Equal(24, native.Items["w39/d0/d1/d2/f24.txt"].Size);
    }

    [Fact]
    public void Walk_NativeReader_SkipsSpecialFiles()
    {
        _tmp.Write("t/d/file.txt", "f");
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        socket.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(_tmp["t/d/socket"]));
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", _tmp["t/fifo"]))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        // (The managed fallback, used elsewhere than Linux, lists them as files.)
        var (snapshot, temps) = new TreeWalker(_tmp["t"], new KeyFilter([], []), native: true).Walk(CancellationToken.None);

        Assert.Equal(["d", "d/file.txt"], snapshot.Items.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(temps);
    }

    [Fact]
    public void Walk_ADirectoryThatCannotBeRead_FailsTheWholeWalk_InsteadOfLookingEmpty()
    {
        // A path longer than PATH_MAX (4,096 bytes) cannot be opened by name, even by root: the read of that directory
        // fails while other directories are read in parallel, and the walk must report it rather than return a partial tree.
        var segment = new string('s', 200);
        var outer = string.Join('/', Enumerable.Repeat(segment, 12));
        var inner = string.Join('/', Enumerable.Repeat(segment, 12));
        System.IO.Directory.CreateDirectory(_tmp["t/" + outer]);
        System.IO.Directory.CreateDirectory(_tmp["moved/" + inner]);
        for (var i = 0; i < 30; i++)
        {
            _tmp.Write($"t/wide{i}/f.txt", "w");
        }

        System.IO.Directory.Move(_tmp["moved"], _tmp[$"t/{outer}/moved"]); // now about 5,000 bytes deep
        try
        {
            foreach (var native in new[] { true, false })
            {
                Assert.ThrowsAny<IOException>(() => new TreeWalker(_tmp["t"], new KeyFilter([], []), native).Walk(CancellationToken.None));
            }
        }
        finally
        {
            System.IO.Directory.Move(_tmp[$"t/{outer}/moved"], _tmp["moved"]); // so that the temp directory can be removed
        }
    }

    [Fact]
    public void Walk_IncludeGlobs_PruneDirectoriesThatCannotMatch()
    {
        _tmp.Write("t/docs/api/a.md", "a");
        _tmp.Write("t/docs/api/b.txt", "b");
        _tmp.Write("t/src/c.md", "c");
        var filter = new KeyFilter([Glob.Parse("docs/api/*.md")], []);

        var (snapshot, _) = new TreeWalker(_tmp["t"], filter).Walk(CancellationToken.None);

        Assert.Equal(["docs", "docs/api", "docs/api/a.md"], snapshot.Items.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Walk_AChainOfSingleDirectories_ListsEveryLevel_AndKeepsTheDirectoriesAboveAnExcludedEntry()
    {
        // Levels holding one directory are read without parallel workers: they must list and keep exactly what the others do.
        _tmp.Write("t/a/b/c/keep.txt", "k");
        _tmp.Write("t/a/b/c/skip.log", "s");
        _tmp.Write("t/a/b/c/d/e/deep.txt", "d");
        File.WriteAllText(TempFiles.NewPath(_tmp["t/a/b"]), "leftover");
        var filter = new KeyFilter([], [Glob.Parse("**/*.log")]);

        foreach (var native in new[] { true, false })
        {
            var (snapshot, temps) = new TreeWalker(_tmp["t"], filter, native).Walk(CancellationToken.None);

            Assert.Equal(["a", "a/b", "a/b/c", "a/b/c/d", "a/b/c/d/e", "a/b/c/d/e/deep.txt", "a/b/c/keep.txt"], snapshot.Items.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(["a", "a/b", "a/b/c"], snapshot.Kept.Order(StringComparer.Ordinal));
            Assert.Single(temps);
        }
    }

    [Fact]
    public void Walk_ADirectoryRemovedOrReplacedByAFileBeforeItIsRead_IsLeftOut_AndTheRestIsListed()
    {
        _tmp.Write("t/here/kept.txt", "k");
        _tmp.Write("t/replaced", "now a file");

        foreach (var native in new[] { true, false })
        {
            var (snapshot, _, vanished) = new TreeWalker(_tmp["t"], new KeyFilter([], []), native).Walk(["gone", "replaced", "here"], CancellationToken.None);

            Assert.Equal(["here/kept.txt"], snapshot.Items.Keys);
            Assert.Equal(["gone", "replaced"], vanished.Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public void Walk_AMissingRoot_StillFails()
    {
        foreach (var native in new[] { true, false })
        {
            Assert.Throws<DirectoryNotFoundException>(() => new TreeWalker(_tmp["nothing-here"], new KeyFilter([], []), native).Walk(CancellationToken.None));
        }
    }

    [Fact]
    public async Task Walk_WhileAnotherThreadCreatesAndRemovesSubdirectories_NeverFails_AndListsNoDirectoryItCouldNotRead()
    {
        for (var i = 0; i < 200; i++)
        {
            _tmp.Write($"t/stable/f{i}", "s");
        }

        using var stop = new CancellationTokenSource();
        var churn = Task.Run(() =>
        {
            for (var round = 0; !stop.IsCancellationRequested; round++)
            {
                var dir = _tmp[$"t/churn{round % 8}"];
                System.IO.Directory.CreateDirectory(Path.Join(dir, "inner"));
                File.WriteAllText(Path.Join(dir, "inner", "f"), "c");
                File.CreateSymbolicLink(Path.Join(dir, "link"), "inner/f");
                System.IO.Directory.Delete(dir, recursive: true);
            }
        });
        try
        {
            for (var walk = 0; walk < 300; walk++)
            {
                var (snapshot, _) = new TreeWalker(_tmp["t"], new KeyFilter([], []), native: walk % 2 == 0).Walk(CancellationToken.None);

                Assert.Equal(200, snapshot.Items.Keys.Count(k => k.StartsWith("stable/", StringComparison.Ordinal)));
                Assert.All(snapshot.Items.Keys, key => Assert.True(SafeKeys.Parent(key) is var parent && (parent.Length == 0 || snapshot.Items.ContainsKey(parent)), $"{key} is listed without its directory"));
            }
        }
        finally
        {
            await stop.CancelAsync();
            await churn;
        }
    }

    [Fact]
    public void ChangedPathSnapshot_ADirectoryRemovedBetweenItsStatAndItsWalk_IsLeftOut()
    {
        _tmp.Write("t/moved/a.txt", "a");
        _tmp.Write("t/other.txt", "o");
        var walker = new TreeWalker(_tmp["t"], new KeyFilter([], []));

        var (snapshot, _) = ChangedPathSnapshot.Read(walker, ["moved", "other.txt"], item =>
        {
            System.IO.Directory.Delete(_tmp["t/moved"], recursive: true); // gone after its stat, before its contents are read
            return true;
        }, CancellationToken.None);

        Assert.Equal(["other.txt"], snapshot.Items.Keys);
    }

    [Fact]
    public void Walk_WhenCancelled_Throws()
    {
        _tmp.Write("t/a/one.txt", "1");
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => new TreeWalker(_tmp["t"], new KeyFilter([], [])).Walk(cancelled.Token));
    }
}
