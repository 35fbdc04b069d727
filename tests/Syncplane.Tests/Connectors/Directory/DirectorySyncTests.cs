using System.Runtime.Versioning;
using Syncplane.Connectors.Directory;
using Syncplane.Planning;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Connectors.Directory;

[SupportedOSPlatform("linux")]
public sealed class DirectorySyncTests : IDisposable
{
    private readonly TempDirectory _tmp = new();

    private string Src => _tmp["src"];

    private string Dst => _tmp["dst"];

    public void Dispose() => _tmp.Dispose();

    [Fact]
    public async Task Mirror_FreshDestination_CopiesFilesDirectoriesAndEmptyDirectories()
    {
        _tmp.Write("src/a.txt", "alpha");
        _tmp.Write("src/sub/deep/b.txt", "beta");
        System.IO.Directory.CreateDirectory(_tmp["src/empty/inner"]);

        var plan = await DirectorySync.MirrorAsync(Src, Dst);

        Assert.Equal(2, plan.Summary.Creates); // a.txt and b.txt: the four directories are created but not counted
        Assert.Equal(TreeListing.Describe(Src), TreeListing.Describe(Dst));
    }

    [Fact]
    public async Task Mirror_SecondRun_WritesNothing()
    {
        _tmp.Write("src/a.txt", "alpha");
        _tmp.Write("src/sub/b.txt", "beta");
        await DirectorySync.MirrorAsync(Src, Dst);

        var second = await DirectorySync.MirrorAsync(Src, Dst);

        Assert.True(second.IsEmpty, PlanFormatter.ToText(second));
        Assert.Equal(2, second.Summary.Unchanged); // the two files, not the directory "sub"
    }

    [Fact]
    public async Task Mirror_ChangedFileInUnchangedDirectory_KeepsDirectoryMtimeAndNextRunIsEmpty()
    {
        _tmp.Write("src/sub/a.txt", "one");
        await DirectorySync.MirrorAsync(Src, Dst);
        var sourceDirTime = FileSystemOps.MtimeAt(_tmp["src/sub"]); // to the nanosecond, which DateTime cannot hold
        File.WriteAllText(_tmp["src/sub/a.txt"], "two!");
        FileSystemOps.SetMtime(_tmp["src/sub"], sourceDirTime); // an in-place edit leaves it alone

        var plan = await DirectorySync.MirrorAsync(Src, Dst);

        Assert.Equal(["sub/a.txt"], plan.Changes.Select(c => c.Key));
        Assert.Equal(TreeListing.Describe(Src), TreeListing.Describe(Dst));
        Assert.True((await DirectorySync.MirrorAsync(Src, Dst)).IsEmpty);
    }

    [Fact]
    public async Task Mirror_PreservesFileModeAndMtime()
    {
        var path = _tmp.Write("src/run.sh", "#!/bin/sh\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead);
        var mtime = new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1234567);
        File.SetLastWriteTimeUtc(path, mtime);
        System.IO.Directory.CreateDirectory(_tmp["src/private"]);
        File.SetUnixFileMode(_tmp["src/private"], UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        await DirectorySync.MirrorAsync(Src, Dst);

        Assert.Equal(File.GetUnixFileMode(path), File.GetUnixFileMode(_tmp["dst/run.sh"]));
        Assert.Equal(mtime, File.GetLastWriteTimeUtc(_tmp["dst/run.sh"]));
        Assert.Equal(File.GetUnixFileMode(_tmp["src/private"]), File.GetUnixFileMode(_tmp["dst/private"]));
    }

    [Fact]
    public async Task Mirror_ModeChangeOnly_MetadataUpdateKeepsInode()
    {
        var path = _tmp.Write("src/a.txt", "alpha");
        await DirectorySync.MirrorAsync(Src, Dst);
        File.SetUnixFileMode(path, UnixFileMode.UserRead);

        var plan = await DirectorySync.MirrorAsync(Src, Dst);

        var change = Assert.Single(plan.Changes);
        Assert.False(change.ContentChanged);
        Assert.Equal(UnixFileMode.UserRead, File.GetUnixFileMode(_tmp["dst/a.txt"]));
    }

    [Fact]
    public async Task Mirror_TouchedButEqualFile_OnlyMtimeIsUpdated()
    {
        var path = _tmp.Write("src/a.txt", "alpha");
        await DirectorySync.MirrorAsync(Src, Dst);
        File.SetLastWriteTimeUtc(path, new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        var plan = await DirectorySync.MirrorAsync(Src, Dst);

        Assert.False(Assert.Single(plan.Changes).ContentChanged);
        Assert.Equal(File.GetLastWriteTimeUtc(path), File.GetLastWriteTimeUtc(_tmp["dst/a.txt"]));
    }

    [Fact]
    public async Task Mirror_SameSizeDifferentContent_IsRewritten()
    {
        var path = _tmp.Write("src/a.txt", "alpha");
        await DirectorySync.MirrorAsync(Src, Dst);
        File.WriteAllText(path, "omega");
        File.SetLastWriteTimeUtc(path, new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        var plan = await DirectorySync.MirrorAsync(Src, Dst);

        Assert.True(Assert.Single(plan.Changes).ContentChanged);
        Assert.Equal("omega", File.ReadAllText(_tmp["dst/a.txt"]));
    }

    [Fact]
    public async Task Mirror_DeleteTrue_RemovesWhatSourceLacks()
    {
        _tmp.Write("src/keep.txt", "k");
        _tmp.Write("dst/old/deeper/x.txt", "x");
        _tmp.Write("dst/stale.txt", "s");

        await DirectorySync.MirrorAsync(Src, Dst);

        Assert.Equal(TreeListing.Describe(Src), TreeListing.Describe(Dst));
    }

    [Fact]
    public async Task Mirror_DeleteFalse_KeepsExtraDestinationFiles()
    {
        _tmp.Write("src/keep.txt", "k");
        _tmp.Write("dst/extra.txt", "e");

        var plan = await DirectorySync.MirrorAsync(Src, Dst, delete: false);

        Assert.Equal(0, plan.Summary.Deletes);
        Assert.True(File.Exists(_tmp["dst/extra.txt"]));
        Assert.True(File.Exists(_tmp["dst/keep.txt"]));
    }

    [Fact]
    public async Task Mirror_IncludeAndExclude_SyncOnlyVisibleKeysAndNeverDeleteExcluded()
    {
        _tmp.Write("src/docs/a.md", "a");
        _tmp.Write("src/docs/b.txt", "b");
        _tmp.Write("src/docs/drafts/c.md", "c");
        _tmp.Write("src/other/d.md", "d");
        _tmp.Write("dst/docs/drafts/mine.md", "local notes"); // excluded: invisible, must survive
        _tmp.Write("dst/notes.txt", "not included: invisible, must survive");
        var source = DirectorySync.Options(Src, include: ["docs/**"], exclude: ["docs/drafts"]);
        var destination = DirectorySync.Options(Dst, include: ["docs/**"], exclude: ["docs/drafts"]);

        await DirectorySync.MirrorAsync(source, destination);

        Assert.True(File.Exists(_tmp["dst/docs/a.md"]));
        Assert.True(File.Exists(_tmp["dst/docs/b.txt"]));
        Assert.False(File.Exists(_tmp["dst/docs/drafts/c.md"]));
        Assert.False(System.IO.Directory.Exists(_tmp["dst/other"]));
        Assert.Equal("local notes", File.ReadAllText(_tmp["dst/docs/drafts/mine.md"]));
        Assert.True(File.Exists(_tmp["dst/notes.txt"]));
    }

    [Fact]
    public async Task Mirror_ExcludedEntryInsideDeletedDirectory_IsKept()
    {
        _tmp.Write("src/x.txt", "x");
        _tmp.Write("dst/gone/a.txt", "a");
        _tmp.Write("dst/gone/keep.log", "log");
        var options = DirectorySync.Options(Dst, exclude: ["**/*.log"]);

        await DirectorySync.MirrorAsync(DirectorySync.Options(Src, exclude: ["**/*.log"]), options);

        Assert.False(File.Exists(_tmp["dst/gone/a.txt"]));
        Assert.True(File.Exists(_tmp["dst/gone/keep.log"]));
    }

    [Fact]
    public async Task Mirror_Symlinks_AreCopiedAsLinksNeverFollowed()
    {
        _tmp.Write("src/real/file.txt", "content");
        File.CreateSymbolicLink(_tmp["src/rel-link"], "real/file.txt");
        File.CreateSymbolicLink(_tmp["src/dir-link"], "real");
        File.CreateSymbolicLink(_tmp["src/broken"], "does/not/exist");
        File.CreateSymbolicLink(_tmp["src/outside"], "/etc");

        await DirectorySync.MirrorAsync(Src, Dst);

        Assert.Equal("real/file.txt", new FileInfo(_tmp["dst/rel-link"]).LinkTarget);
        Assert.Equal("real", new FileInfo(_tmp["dst/dir-link"]).LinkTarget);
        Assert.Equal("does/not/exist", new FileInfo(_tmp["dst/broken"]).LinkTarget);
        Assert.Equal("/etc", new FileInfo(_tmp["dst/outside"]).LinkTarget);
        Assert.Equal(TreeListing.Describe(Src), TreeListing.Describe(Dst));
        Assert.True((await DirectorySync.MirrorAsync(Src, Dst)).IsEmpty);
    }

    [Fact]
    public async Task Mirror_KindChanges_FileDirectoryAndSymlinkSwapPlaces()
    {
        _tmp.Write("src/a", "file that becomes a directory");
        _tmp.Write("src/b/inner.txt", "directory that becomes a file");
        _tmp.Write("src/c", "file that becomes a link");
        File.CreateSymbolicLink(_tmp["src/d"], "a");
        await DirectorySync.MirrorAsync(Src, Dst);

        File.Delete(_tmp["src/a"]);
        _tmp.Write("src/a/now-inside.txt", "x");
        System.IO.Directory.Delete(_tmp["src/b"], recursive: true);
        _tmp.Write("src/b", "now a file");
        File.Delete(_tmp["src/c"]);
        File.CreateSymbolicLink(_tmp["src/c"], "b");
        File.Delete(_tmp["src/d"]);
        _tmp.Write("src/d", "link became a file");

        await DirectorySync.MirrorAsync(Src, Dst);

        Assert.Equal(TreeListing.Describe(Src), TreeListing.Describe(Dst));
    }

    [Fact]
    public async Task Snapshot_LeftoverTempFiles_AreInvisibleAndCleanedByNextApply()
    {
        _tmp.Write("src/a.txt", "alpha");
        await DirectorySync.MirrorAsync(Src, Dst);
        var leftover = TempFiles.NewPath(Dst);
        File.WriteAllText(leftover, "half a fi");
        var context = DirectorySync.Context(_tmp.Path);
        var destination = new DirectoryDestination(DirectorySync.Options(Dst), context);
        var source = new DirectorySource(DirectorySync.Options(Src), context);

        var plan = await DirectorySync.PlanAsync(source, destination, delete: true);
        Assert.True(plan.IsEmpty);
        Assert.DoesNotContain((await destination.SnapshotAsync(CancellationToken.None)).Items.Keys, k => k.Contains(".syncplane-", StringComparison.Ordinal));
        await destination.ApplyAsync(plan, source, null, CancellationToken.None);

        Assert.False(File.Exists(leftover));
    }

    [Theory]
    [InlineData("../escape.txt")]
    [InlineData("/etc/passwd")]
    [InlineData("a/../../escape.txt")]
    [InlineData("a/./b")]
    public async Task Apply_KeyEscapingRoot_IsRefusedAndNothingWritten(string key)
    {
        System.IO.Directory.CreateDirectory(Dst);
        _tmp.Write("src/payload", "evil");
        var context = DirectorySync.Context(_tmp.Path);
        var source = new DirectorySource(DirectorySync.Options(Src), context);
        var destination = new DirectoryDestination(DirectorySync.Options(Dst), context);
        var item = new Item(key, ItemKind.File, 4, 0);
        var good = new Item("fine.txt", ItemKind.File, 4, 0);
        var plan = new Plan([new Change(ChangeKind.Create, good.Key, good, null), new Change(ChangeKind.Create, key, item, null)], new PlanSummary(2, 0, 0, 0, 8));

        var error = await Assert.ThrowsAsync<UnsafePathException>(() => destination.ApplyAsync(plan, new FixedContentSource("evil"), null, CancellationToken.None));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
        Assert.Empty(System.IO.Directory.EnumerateFileSystemEntries(Dst));
        Assert.False(File.Exists(_tmp["escape.txt"]));
        _ = source;
    }

    [Fact]
    public async Task Apply_PathThroughSymlinkedDirectory_IsRefused()
    {
        var outside = _tmp["outside"];
        System.IO.Directory.CreateDirectory(outside);
        System.IO.Directory.CreateDirectory(Dst);
        File.CreateSymbolicLink(_tmp["dst/link"], outside);
        var context = DirectorySync.Context(_tmp.Path);
        var destination = new DirectoryDestination(DirectorySync.Options(Dst), context);
        var item = new Item("link/passwd", ItemKind.File, 4, 0);
        var plan = new Plan([new Change(ChangeKind.Create, item.Key, item, null)], new PlanSummary(1, 0, 0, 0, 4));

        var error = await Assert.ThrowsAsync<UnsafePathException>(() => destination.ApplyAsync(plan, new FixedContentSource("evil"), null, CancellationToken.None));

        Assert.Contains("symlink", error.Message, StringComparison.Ordinal);
        Assert.Empty(System.IO.Directory.EnumerateFileSystemEntries(outside));
    }

    [Fact]
    public async Task Apply_StreamedSource_WritesContentModeAndMtime()
    {
        var context = DirectorySync.Context(_tmp.Path);
        var destination = new DirectoryDestination(DirectorySync.Options(Dst), context);
        var mtime = new DateTime(2021, 6, 1, 0, 0, 0, DateTimeKind.Utc);
        var item = new Item("nested/dir/file.txt", ItemKind.File, 4, mtime.Ticks, 0x1E0);
        var plan = new Plan([new Change(ChangeKind.Create, item.Key, item, null)], new PlanSummary(1, 0, 0, 0, 4));
        var progress = new List<int>();

        await destination.ApplyAsync(plan, new FixedContentSource("data"), new SyncProgress(progress), CancellationToken.None);

        var path = _tmp["dst/nested/dir/file.txt"];
        Assert.Equal("data", File.ReadAllText(path));
        Assert.Equal(mtime, File.GetLastWriteTimeUtc(path));
        Assert.Equal((UnixFileMode)0x1E0, File.GetUnixFileMode(path));
        Assert.Equal([1], progress);
    }

    [Fact]
    public async Task SnapshotAsync_MissingSource_ThrowsInsteadOfLookingEmpty()
    {
        var source = new DirectorySource(DirectorySync.Options(_tmp["nope"]), DirectorySync.Context(_tmp.Path));
        await Assert.ThrowsAsync<DirectoryNotFoundException>(() => source.SnapshotAsync(CancellationToken.None));
    }

    [Fact]
    public async Task SnapshotAsync_MissingDestination_IsEmpty()
    {
        var destination = new DirectoryDestination(DirectorySync.Options(_tmp["nope"]), DirectorySync.Context(_tmp.Path));
        Assert.Equal(0, (await destination.SnapshotAsync(CancellationToken.None)).Count);
    }
}
