using Syncplane.Connectors.Directory;
using Syncplane.Storage;
using Syncplane.Storage.Sqlite;

namespace Syncplane.Tests.Engine.TwoWay;

public sealed class UnchangedResyncTests
{
    [Fact]
    public async Task AReSyncOfUnchangedFilesWithNanosecondTimes_LeavesTheStoredListingAsItWas()
    {
        await using var bed = await TwoWayBed.CreateAsync();
        bed.Write("a", "x.txt", "x", minutes: 0);
        bed.Write("a", "dir/y.txt", "y", minutes: 0);
        var stamp = new MtimeStamp(new DateTime(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc).Ticks + 1234567, 89); // .123456789 s
        FileSystemOps.SetMtime(bed.Path("a", "x.txt"), stamp);
        FileSystemOps.SetMtime(bed.Path("a", "dir/y.txt"), stamp);
        var first = await bed.RunAsync(resync: true);
        Assert.True(first.Status == RunStatus.Succeeded, first.Message);
        bed.SetListingSavedAt("untouched");

        var again = await bed.RunAsync();

        Assert.True(again.Status == RunStatus.Succeeded && again.Plan!.Changes.Count == 0, again.Message);
        Assert.Equal("untouched", bed.ListingSavedAt()); // an unchanged re-sync writes no listing
    }

    [Fact]
    public async Task AReSyncWhereBothSidesDeletedOneFileAndGotTheSameNewOne_SavesTheListingOfWhatTheyHoldNow()
    {
        await using var bed = await TwoWayBed.SyncedAsync("", ("x.txt", "x"), ("y.txt", "y"));
        bed.SetListingSavedAt("untouched");
        File.Delete(bed.Path("a", "x.txt"));
        File.Delete(bed.Path("b", "x.txt"));
        bed.Write("a", "z.txt", "z", minutes: 3);
        bed.Write("b", "z.txt", "z", minutes: 3);

        var run = await bed.RunAsync();

        // Nothing to write, and each side holds as many items as it did, yet its listing is not the one stored.
        Assert.True(run.Status == RunStatus.Succeeded && run.Plan!.Changes.Count == 0, run.Message);
        Assert.NotEqual("untouched", bed.ListingSavedAt());
        await using var store = new SqliteSyncStore(bed.Dir.Combine(".syncplane", "syncplane.db"), TimeProvider.System);
        var listing = (await store.GetListingAsync("both", CancellationToken.None))!.Decode();
        Assert.Equal(["y.txt", "z.txt"], listing.Source.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["y.txt", "z.txt"], listing.Destination.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AReSyncAfterAModeChange_SavesTheListingWithTheNewMode()
    {
        await using var bed = await TwoWayBed.SyncedAsync("", ("x.txt", "x"), ("y.txt", "y"));
        bed.SetListingSavedAt("untouched");
        File.SetUnixFileMode(bed.Path("a", "x.txt"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var run = await bed.RunAsync();

        Assert.True(run.Status == RunStatus.Succeeded, run.Message);
        Assert.NotEqual("untouched", bed.ListingSavedAt());
    }
}
