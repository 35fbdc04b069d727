using Syncplane.Storage;

namespace Syncplane.Tests.Engine.TwoWay;

/// <summary>Conflict policies, the first run and --resync, and the gates that keep a two-way run from losing data.</summary>
public sealed class PoliciesAndSafetyTests
{
    // The source's copy is newer and smaller; the destination's older and larger.
    [Theory]
    [InlineData("newer", "small new")]
    [InlineData("older", "large and older")]
    [InlineData("larger", "large and older")]
    [InlineData("smaller", "small new")]
    [InlineData("source", "small new")]
    [InlineData("destination", "large and older")]
    public async Task EachPolicy_PicksItsWinner_AndOverwritesTheLoser(string policy, string winner)
    {
        await using var bed = await TwoWayBed.SyncedAsync($"conflicts: {policy}", ("doc.txt", "v1"));
        bed.Write("a", "doc.txt", "small new", minutes: 9);
        bed.Write("b", "doc.txt", "large and older", minutes: 5);

        var run = await bed.RunAsync();

        var conflict = Assert.Single(run.Plan!.TwoWay!.Conflicts);
        Assert.Null(conflict.KeptAs);
        await bed.AssertBothAsync($"doc.txt={winner}");
    }

    [Fact]
    public async Task ATieUnderAPolicy_KeepsBoth()
    {
        await using var bed = await TwoWayBed.SyncedAsync("conflicts: newer", ("doc.txt", "v1"));
        bed.Write("a", "doc.txt", "from a", minutes: 5);
        bed.Write("b", "doc.txt", "from b", minutes: 5);

        var run = await bed.RunAsync();

        var conflict = Assert.Single(run.Plan!.TwoWay!.Conflicts);
        Assert.Contains("a tie keeps both", conflict.Resolution, StringComparison.Ordinal);
        await bed.AssertBothAsync($"{TwoWayBed.ConflictName("doc.txt", "b", 5)}=from b", "doc.txt=from a");
    }

    [Fact]
    public async Task FirstRun_WithoutResync_IsRefusedAndWritesNothing()
    {
        await using var bed = await TwoWayBed.CreateAsync();
        bed.Write("a", "only-a.txt", "A", minutes: 1);
        bed.Write("b", "only-b.txt", "B", minutes: 1);

        var run = await bed.RunAsync();

        Assert.Equal(RunStatus.Refused, run.Status);
        Assert.Contains("--resync", run.Message, StringComparison.Ordinal);
        Assert.Equal(["only-a.txt=A"], bed.Tree("a"));
        Assert.Equal(["only-b.txt=B"], bed.Tree("b"));
        Assert.Equal(RunStatus.Refused, (await bed.RunAsync()).Status); // still no listing: a refused run saves none
    }

    [Fact]
    public async Task Resync_IsTheUnionWithTheNewerCopyWinning_AndItsDryRunShowsItWithoutWriting()
    {
        await using var bed = await TwoWayBed.CreateAsync();
        bed.Write("a", "only-a.txt", "A", minutes: 1);
        bed.Write("b", "only-b.txt", "B", minutes: 1);
        bed.Write("a", "both.txt", "older in a", minutes: 1);
        bed.Write("b", "both.txt", "newer in b", minutes: 2);

        var dry = await bed.RunAsync(resync: true, dryRun: true);

        Assert.Equal(RunStatus.Succeeded, dry.Status);
        Assert.Equal(["only-a.txt"], TwoWayBed.Into(dry, "b").Select(c => c.Key).Where(k => k != "both.txt"));
        Assert.Contains(TwoWayBed.Into(dry, "a"), c => c.Key == "both.txt");
        var conflict = Assert.Single(dry.Plan!.TwoWay!.Conflicts);
        Assert.Equal("resync: newer wins", conflict.Resolution);
        Assert.Equal(["both.txt=older in a", "only-a.txt=A"], bed.Tree("a"));

        var run = await bed.RunAsync(resync: true);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        await bed.AssertBothAsync("both.txt=newer in b", "only-a.txt=A", "only-b.txt=B");
    }

    [Theory]
    [InlineData("a", "b")]
    [InlineData("b", "a")]
    public async Task AnEmptiedSide_IsRefusedNotMirroredAsDeletes(string emptied, string other)
    {
        await using var bed = await TwoWayBed.SyncedAsync("", ("x.txt", "x"), ("dir/y.txt", "y"));
        Directory.Delete(bed.Dir[emptied], recursive: true);
        Directory.CreateDirectory(bed.Dir[emptied]);

        var run = await bed.RunAsync();

        Assert.Equal(RunStatus.Refused, run.Status);
        Assert.Contains("is empty but held 3 item(s) after the last sync", run.Message, StringComparison.Ordinal);
        Assert.Equal(["dir/", "dir/y.txt=y", "x.txt=x"], bed.Tree(other));
    }

    [Fact]
    public async Task AVanishedSide_IsRefused_AndResyncFillsItAgain()
    {
        await using var bed = await TwoWayBed.SyncedAsync("", ("x.txt", "x"));
        Directory.Delete(bed.Dir["b"], recursive: true);

        var run = await bed.RunAsync();

        Assert.Equal(RunStatus.Refused, run.Status);
        Assert.Contains("does not exist", run.Message, StringComparison.Ordinal);
        Assert.Equal(["x.txt=x"], bed.Tree("a"));
        Assert.Equal(RunStatus.Succeeded, (await bed.RunAsync(resync: true)).Status);
        await bed.AssertBothAsync("x.txt=x");
    }

    [Theory]
    [InlineData("a", "b", "destination")]
    [InlineData("b", "a", "source")]
    public async Task MaxDelete_CountsEachSide(string deletedOn, string protectedSide, string sideName)
    {
        var files = Enumerable.Range(0, 10).Select(i => ($"f{i}.txt", $"{i}")).ToArray();
        await using var bed = await TwoWayBed.SyncedAsync("safety: { max_delete: 20% }", files);
        for (var i = 0; i < 3; i++)
        {
            File.Delete(bed.Path(deletedOn, $"f{i}.txt"));
        }

        var run = await bed.RunAsync();

        Assert.Equal(RunStatus.Refused, run.Status);
        Assert.Contains($"deletes 3 of 10 item(s) on the {sideName}", run.Message, StringComparison.Ordinal);
        Assert.Equal(10, bed.Tree(protectedSide).Count);

        File.Delete(bed.Path(deletedOn, "f3.txt")); // 1 of 10 is within the limit once the other two are back
        for (var i = 0; i < 3; i++)
        {
            bed.Write(deletedOn, $"f{i}.txt", $"{i}", minutes: 0);
        }

        Assert.Equal(RunStatus.Succeeded, (await bed.RunAsync()).Status);
        Assert.Equal(9, bed.Tree(protectedSide).Count);
    }

    [Fact]
    public async Task AFileChangedDuringTheRun_IsLeftAlone_AndTheNextRunSyncsIt()
    {
        await using var bed = await TwoWayBed.SyncedAsync("", ("doc.txt", "v1"), ("other.txt", "o"));
        bed.Write("a", "doc.txt", "v2", minutes: 5);
        bed.Write("a", "other.txt", "o2", minutes: 5);
        bed.OnLog = line =>
        {
            if (line.StartsWith("plan:", StringComparison.Ordinal))
            {
                bed.Write("a", "doc.txt", "v3 typed while the run ran", minutes: 6); // after the plan, before the copy
            }
        };

        var run = await bed.RunAsync();

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Contains("1 item(s) changed during the run and were left for the next run (doc.txt)", run.Message, StringComparison.Ordinal);
        Assert.Equal("v1", bed.Read("b", "doc.txt"));
        Assert.Equal("o2", bed.Read("b", "other.txt"));
        bed.OnLog = null;

        await bed.RunAsync();

        await bed.AssertBothAsync("doc.txt=v3 typed while the run ran", "other.txt=o2");
    }

    [Fact]
    public async Task AnEditOnTheWrittenSideDuringTheRun_IsNeverOverwritten()
    {
        await using var bed = await TwoWayBed.SyncedAsync("", ("doc.txt", "v1"));
        bed.Write("a", "doc.txt", "v2 from a", minutes: 5);
        bed.OnLog = line =>
        {
            if (line.StartsWith("plan:", StringComparison.Ordinal))
            {
                bed.Write("b", "doc.txt", "edited in b meanwhile", minutes: 6);
            }
        };

        await bed.RunAsync();
        bed.OnLog = null;

        Assert.Equal("edited in b meanwhile", bed.Read("b", "doc.txt"));
        var next = await bed.RunAsync(); // both changed since the listing: a conflict, and keep-both keeps both
        Assert.Single(next.Plan!.TwoWay!.Conflicts);
        await bed.AssertBothAsync($"{TwoWayBed.ConflictName("doc.txt", "a", 5)}=v2 from a", "doc.txt=edited in b meanwhile");
    }

    [Fact]
    public async Task AHalfAppliedRun_ConvergesWithoutConflicts()
    {
        await using var bed = await TwoWayBed.SyncedAsync("", ("doc.txt", "v1"), ("gone.txt", "g"));
        bed.Write("a", "doc.txt", "v2", minutes: 5);
        bed.Write("a", "new-a.txt", "A", minutes: 5);
        bed.Write("b", "new-b.txt", "B", minutes: 5);
        File.Delete(bed.Path("a", "gone.txt"));

        // What a run killed half way leaves: some of its copies and deletes done, the listing still the old one.
        File.Copy(bed.Path("a", "doc.txt"), bed.Path("b", "doc.txt"), overwrite: true);
        File.SetLastWriteTimeUtc(bed.Path("b", "doc.txt"), File.GetLastWriteTimeUtc(bed.Path("a", "doc.txt")));
        File.Copy(bed.Path("a", "new-a.txt"), bed.Path("b", "new-a.txt"));
        File.SetLastWriteTimeUtc(bed.Path("b", "new-a.txt"), File.GetLastWriteTimeUtc(bed.Path("a", "new-a.txt")));
        File.Delete(bed.Path("b", "gone.txt"));

        var run = await bed.RunAsync();

        Assert.Empty(run.Plan!.TwoWay!.Conflicts);
        Assert.Equal(["new-b.txt"], TwoWayBed.Into(run, "a").Select(c => c.Key));
        Assert.Empty(TwoWayBed.Into(run, "b"));
        await bed.AssertBothAsync("doc.txt=v2", "new-a.txt=A", "new-b.txt=B");
    }

    [Theory]
    [InlineData("a", "b")]
    [InlineData("b", "a")]
    public async Task SecretsAboutToBeWrittenToEitherSide_RefuseTheRun(string writtenOn, string other)
    {
        await using var bed = await TwoWayBed.SyncedAsync("", "safety:\n  secret_patterns: ['AKIA[0-9A-Z]{16}']", ("ok.txt", "fine"));
        bed.Write(writtenOn, "leak.txt", "key AKIAABCDEFGHIJKLMNOP", minutes: 5);
        bed.Write(writtenOn, "fine.txt", "nothing secret", minutes: 5);

        var run = await bed.RunAsync();

        Assert.Equal(RunStatus.Refused, run.Status);
        Assert.Contains("leak.txt:1: matches secret pattern", run.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("AKIAABCDEFGHIJKLMNOP", run.Message, StringComparison.Ordinal);
        Assert.Equal(["ok.txt=fine"], bed.Tree(other));
    }
}
