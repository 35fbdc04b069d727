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
    public void Walk_IncludeGlobs_PruneDirectoriesThatCannotMatch()
    {
        _tmp.Write("t/docs/api/a.md", "a");
        _tmp.Write("t/docs/api/b.txt", "b");
        _tmp.Write("t/src/c.md", "c");
        var filter = new KeyFilter([Glob.Parse("docs/api/*.md")], []);

        var (snapshot, _) = new TreeWalker(_tmp["t"], filter).Walk(CancellationToken.None);

        Assert.Equal(["docs", "docs/api", "docs/api/a.md"], snapshot.Items.Keys.Order(StringComparer.Ordinal));
    }
}
