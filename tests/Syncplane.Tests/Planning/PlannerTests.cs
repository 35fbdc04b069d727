using Syncplane.Planning;

namespace Syncplane.Tests.Planning;

public class PlannerTests
{
    private static Item F(string key, long size = 10, long mtime = 100, int mode = 0x1A4, string? hash = null) => new(key, ItemKind.File, size, mtime, mode, hash);

    private static Item D(string key, long mtime = 100, int mode = 0x1ED) => new(key, ItemKind.Directory, 0, mtime, mode);

    private static Item L(string key, string target) => new(key, ItemKind.Symlink, target.Length, 0, LinkTarget: target);

    private static Task<Plan> Diff(IEnumerable<Item> source, IEnumerable<Item> destination, bool delete = true, Func<Item, Item, CancellationToken, ValueTask<bool>>? same = null) =>
        Planner.DiffAsync(new Snapshot(source), new Snapshot(destination), delete, same, CancellationToken.None);

    [Fact]
    public async Task DiffAsync_IdenticalSnapshots_AllUnchanged()
    {
        Item[] items = [D("a"), F("a/x"), L("l", "a/x")];
        var plan = await Diff(items, items);
        Assert.True(plan.IsEmpty);
        Assert.Equal(new PlanSummary(0, 0, 0, 2, 0), plan.Summary); // the file and the link: directories are not counted
    }

    [Fact]
    public async Task DiffAsync_KeysOnOneSide_CreateAndDelete()
    {
        var plan = await Diff([F("new", size: 7)], [F("old")]);
        Assert.Equal([(ChangeKind.Delete, "old"), (ChangeKind.Create, "new")], plan.Changes.Select(c => (c.Kind, c.Key)));
        Assert.Equal(new PlanSummary(1, 0, 1, 0, 7), plan.Summary);
    }

    [Fact]
    public async Task DiffAsync_DeleteFalse_KeepsDestinationOnlyKeys()
    {
        var plan = await Diff([], [F("old")], delete: false);
        Assert.True(plan.IsEmpty);
    }

    [Fact]
    public async Task DiffAsync_SizeDiffers_ContentUpdateWithoutAskingForContent()
    {
        var asked = false;
        var plan = await Diff([F("x", size: 11)], [F("x", size: 10)], same: (_, _, _) => { asked = true; return ValueTask.FromResult(true); });
        var change = Assert.Single(plan.Changes);
        Assert.Equal(ChangeKind.Update, change.Kind);
        Assert.True(change.ContentChanged);
        Assert.False(asked);
        Assert.Equal(11, plan.Summary.BytesToWrite);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task DiffAsync_SameSizeOtherMtime_AsksSameContent(bool same, bool expectedContentChanged)
    {
        var plan = await Diff([F("x", mtime: 200)], [F("x", mtime: 100)], same: (_, _, _) => ValueTask.FromResult(same));
        var change = Assert.Single(plan.Changes);
        Assert.Equal(ChangeKind.Update, change.Kind);
        Assert.Equal(expectedContentChanged, change.ContentChanged);
        Assert.Equal(expectedContentChanged ? 10 : 0, plan.Summary.BytesToWrite);
    }

    [Fact]
    public async Task DiffAsync_SameSizeOtherMtimeWithoutComparer_ContentUpdate()
    {
        var plan = await Diff([F("x", mtime: 200)], [F("x", mtime: 100)]);
        Assert.True(Assert.Single(plan.Changes).ContentChanged);
    }

    [Fact]
    public async Task DiffAsync_EqualHashes_MetadataUpdateWithoutAsking()
    {
        var plan = await Diff([F("x", mtime: 200, hash: "ab")], [F("x", mtime: 100, hash: "ab")], same: (_, _, _) => throw new InvalidOperationException());
        Assert.False(Assert.Single(plan.Changes).ContentChanged);
    }

    [Fact]
    public async Task DiffAsync_ModeOnly_MetadataUpdate()
    {
        var plan = await Diff([F("x", mode: 0x1ED)], [F("x", mode: 0x1A4)]);
        var change = Assert.Single(plan.Changes);
        Assert.Equal(ChangeKind.Update, change.Kind);
        Assert.False(change.ContentChanged);
    }

    [Fact]
    public async Task DiffAsync_UnknownMode_MatchesAnyMode()
    {
        var plan = await Diff([F("x", mode: 0)], [F("x", mode: 0x1A4)]);
        Assert.True(plan.IsEmpty);
    }

    [Fact]
    public async Task DiffAsync_DirectoryMtimeDiffers_MetadataUpdate()
    {
        var plan = await Diff([D("d", mtime: 5)], [D("d", mtime: 6)]);
        Assert.False(Assert.Single(plan.Changes).ContentChanged);
    }

    [Fact]
    public async Task DiffAsync_SymlinkTargetDiffers_ContentUpdate_SymlinkMtimeIgnored()
    {
        var plan = await Diff([L("l", "b"), L("m", "x") with { MtimeTicks = 9 }], [L("l", "a"), L("m", "x")]);
        var change = Assert.Single(plan.Changes);
        Assert.Equal("l", change.Key);
        Assert.True(change.ContentChanged);
    }

    [Fact]
    public async Task DiffAsync_DirectoryReplacedByFile_ChildrenDeletedBeforeUpdate()
    {
        var plan = await Diff([F("a")], [D("a"), D("a/b"), F("a/b/c"), F("a/d")]);
        Assert.Equal(
            [(ChangeKind.Delete, "a/d"), (ChangeKind.Delete, "a/b/c"), (ChangeKind.Delete, "a/b"), (ChangeKind.Update, "a")],
            plan.Changes.Select(c => (c.Kind, c.Key)));
    }

    [Fact]
    public async Task DiffAsync_FileReplacedByDirectory_UpdateBeforeChildren()
    {
        var plan = await Diff([D("a"), F("a/x"), D("a/y"), F("a/y/z"), F("a.txt")], [F("a")]);
        Assert.Equal(["a", "a.txt", "a/x", "a/y", "a/y/z"], plan.Changes.Select(c => c.Key));
        Assert.Equal(ChangeKind.Update, plan.Changes[0].Kind);
        Assert.True(plan.Changes[0].ContentChanged);
        Assert.Equal(3, plan.Summary.Creates); // a.txt, a/x, a/y/z: directories are not counted
    }

    [Fact]
    public async Task DiffAsync_SourceWithoutDirectoryItems_KeepsImpliedDirectories()
    {
        var plan = await Diff([F("docs/a/x.md")], [D("docs"), D("docs/a"), F("docs/a/x.md"), D("old")]);
        var change = Assert.Single(plan.Changes);
        Assert.Equal((ChangeKind.Delete, "old"), (change.Kind, change.Key));
    }

    [Fact]
    public async Task DiffAsync_KeepsSourceRevision()
    {
        var plan = await Planner.DiffAsync(new Snapshot([F("x")]) { Revision = "abc" }, Snapshot.Empty, true, null, CancellationToken.None);
        Assert.Equal("abc", plan.SourceRevision);
    }
}
