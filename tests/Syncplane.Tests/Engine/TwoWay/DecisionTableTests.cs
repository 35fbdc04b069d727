using Syncplane.Storage;

namespace Syncplane.Tests.Engine.TwoWay;

/// <summary>
/// Every row of the decision table in docs/bidirectional.md, on real folders through the real engine: each test
/// starts from a synced pair (a resync), changes one or both sides, runs once and checks both sides, then that a
/// rerun has nothing to do.
/// </summary>
public sealed class DecisionTableTests
{
    [Fact]
    public async Task NewOnOneSide_IsCopiedToTheOther()
    {
        await using var bed = await TwoWayBed.SyncedAsync("", ("keep.txt", "k"));
        bed.Write("a", "from-a.txt", "A", minutes: 5);
        bed.Write("b", "sub/from-b.txt", "B", minutes: 5);

        var run = await bed.RunAsync();

        Assert.Equal(RunStatus.Succeeded, run.Status);
        await bed.AssertBothAsync("from-a.txt=A", "keep.txt=k", "sub/", "sub/from-b.txt=B");
    }

    [Theory]
    [InlineData("a", "b")]
    [InlineData("b", "a")]
    public async Task ChangedOnOneSide_OverwritesTheUnchangedOther(string changed, string other)
    {
        await using var bed = await TwoWayBed.SyncedAsync("", ("doc.txt", "v1"), ("keep.txt", "k"));
        bed.Write(changed, "doc.txt", "v2 longer", minutes: 5);

        await bed.RunAsync();

        Assert.Equal("v2 longer", bed.Read(other, "doc.txt"));
        await bed.AssertBothAsync("doc.txt=v2 longer", "keep.txt=k");
    }

    [Theory]
    [InlineData("a")]
    [InlineData("b")]
    public async Task DeletedOnOneSide_IsDeletedOnTheOther(string side)
    {
        await using var bed = await TwoWayBed.SyncedAsync("", ("gone.txt", "g"), ("dir/gone.txt", "g"), ("keep.txt", "k"));
        File.Delete(bed.Path(side, "gone.txt"));
        Directory.Delete(bed.Path(side, "dir"), recursive: true);

        await bed.RunAsync();

        await bed.AssertBothAsync("keep.txt=k");
    }

    [Fact]
    public async Task ChangedOnBothToTheSameContent_WritesNothing()
    {
        await using var bed = await TwoWayBed.SyncedAsync("", ("doc.txt", "v1"));
        bed.Write("a", "doc.txt", "same", minutes: 5);
        bed.Write("b", "doc.txt", "same", minutes: 9);

        var run = await bed.RunAsync();

        Assert.Empty(run.Plan!.Changes);
        Assert.Empty(run.Plan.TwoWay!.Conflicts);
        Assert.Equal(new DateTime(2026, 1, 1, 12, 9, 0, DateTimeKind.Utc), File.GetLastWriteTimeUtc(bed.Path("b", "doc.txt")));
        await bed.AssertBothAsync("doc.txt=same");
    }

    [Fact]
    public async Task ChangedOnBothDifferently_IsAConflictThatKeepsBothCopies()
    {
        await using var bed = await TwoWayBed.SyncedAsync("", ("notes.md", "v1"));
        bed.Write("a", "notes.md", "from a", minutes: 5);
        bed.Write("b", "notes.md", "from b, later", minutes: 9);

        var run = await bed.RunAsync();

        var conflict = Assert.Single(run.Plan!.TwoWay!.Conflicts);
        var keptAs = TwoWayBed.ConflictName("notes.md", "a", 5);
        Assert.Equal(keptAs, conflict.KeptAs);
        Assert.Matches(@"^notes\.conflict-source-20260101T120500Z\.md$", keptAs);
        await bed.AssertBothAsync($"{keptAs}=from a", "notes.md=from b, later");
    }

    [Theory]
    [InlineData("a", "b")]
    [InlineData("b", "a")]
    public async Task ChangedOnOneSideDeletedOnTheOther_TheChangeWins(string changed, string deleted)
    {
        await using var bed = await TwoWayBed.SyncedAsync("", ("doc.txt", "v1"), ("keep.txt", "k"));
        bed.Write(changed, "doc.txt", "v2", minutes: 5);
        File.Delete(bed.Path(deleted, "doc.txt"));

        await bed.RunAsync();

        Assert.Equal("v2", bed.Read(deleted, "doc.txt"));
        await bed.AssertBothAsync("doc.txt=v2", "keep.txt=k");
    }

    [Fact]
    public async Task DeletedOnBoth_IsNothing()
    {
        await using var bed = await TwoWayBed.SyncedAsync("", ("doc.txt", "v1"), ("keep.txt", "k"));
        File.Delete(bed.Path("a", "doc.txt"));
        File.Delete(bed.Path("b", "doc.txt"));

        var run = await bed.RunAsync();

        Assert.Empty(run.Plan!.Changes);
        await bed.AssertBothAsync("keep.txt=k");
    }

    [Fact]
    public async Task NewOnBothWithTheSameContent_IsNothing()
    {
        await using var bed = await TwoWayBed.SyncedAsync("", ("keep.txt", "k"));
        bed.Write("a", "twin.txt", "same", minutes: 5);
        bed.Write("b", "twin.txt", "same", minutes: 7);

        var run = await bed.RunAsync();

        Assert.Empty(run.Plan!.Changes);
        await bed.AssertBothAsync("keep.txt=k", "twin.txt=same");
    }

    [Fact]
    public async Task NewOnBothWithDifferentContent_IsAConflict()
    {
        await using var bed = await TwoWayBed.SyncedAsync("", ("keep.txt", "k"));
        bed.Write("a", "twin.txt", "newer", minutes: 9);
        bed.Write("b", "twin.txt", "older", minutes: 5);

        var run = await bed.RunAsync();

        Assert.Single(run.Plan!.TwoWay!.Conflicts);
        await bed.AssertBothAsync("keep.txt=k", $"{TwoWayBed.ConflictName("twin.txt", "b", 5)}=older", "twin.txt=newer");
    }

    [Theory]
    [InlineData("a", "b")]
    [InlineData("b", "a")]
    public async Task FileTurnedIntoADirectoryOnOneSide_BecomesOneOnTheOther(string changed, string other)
    {
        await using var bed = await TwoWayBed.SyncedAsync("", ("thing", "a file"), ("keep.txt", "k"));
        File.Delete(bed.Path(changed, "thing"));
        bed.Write(changed, "thing/inside.txt", "in", minutes: 5);

        await bed.RunAsync();

        Assert.True(Directory.Exists(bed.Path(other, "thing")));
        await bed.AssertBothAsync("keep.txt=k", "thing/", "thing/inside.txt=in");
    }

    [Theory]
    [InlineData("a", "b")]
    [InlineData("b", "a")]
    public async Task DirectoryTurnedIntoAFileOnOneSide_BecomesOneOnTheOther(string changed, string other)
    {
        await using var bed = await TwoWayBed.SyncedAsync("", ("thing/inside.txt", "in"), ("keep.txt", "k"));
        Directory.Delete(bed.Path(changed, "thing"), recursive: true);
        bed.Write(changed, "thing", "a file now", minutes: 5);

        await bed.RunAsync();

        Assert.Equal("a file now", bed.Read(other, "thing"));
        await bed.AssertBothAsync("keep.txt=k", "thing=a file now");
    }

    [Fact]
    public async Task FileChangedOnOneSideAndReplacedByADirectoryOnTheOther_TheDirectoryKeepsTheNameAndTheFileIsKept()
    {
        await using var bed = await TwoWayBed.SyncedAsync("", ("thing", "v1"));
        bed.Write("a", "thing", "v2", minutes: 5);
        File.Delete(bed.Path("b", "thing"));
        bed.Write("b", "thing/inside.txt", "in", minutes: 6);

        var run = await bed.RunAsync();

        var conflict = Assert.Single(run.Plan!.TwoWay!.Conflicts);
        Assert.Contains("directory keeps the name", conflict.Resolution, StringComparison.Ordinal);
        await bed.AssertBothAsync($"{TwoWayBed.ConflictName("thing", "a", 5)}=v2", "thing/", "thing/inside.txt=in");
    }

    [Fact]
    public async Task DirectoryDeletedOnOneSideWhileTheOtherAddedToIt_ComesBackWithTheNewFileOnly()
    {
        await using var bed = await TwoWayBed.SyncedAsync("", ("dir/old.txt", "old"), ("keep.txt", "k"));
        Directory.Delete(bed.Path("a", "dir"), recursive: true);
        bed.Write("b", "dir/new.txt", "new", minutes: 5);

        await bed.RunAsync();

        await bed.AssertBothAsync("dir/", "dir/new.txt=new", "keep.txt=k");
    }
}
