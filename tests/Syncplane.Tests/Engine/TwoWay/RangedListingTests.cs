using Syncplane.Storage;
using Syncplane.Storage.Sqlite;

namespace Syncplane.Tests.Engine.TwoWay;

/// <summary>
/// Sides of more keys than one range of the stored listing (<see cref="ListingCodec.RangeSize"/>): a re-sync decodes
/// only the ranges a walk differs in and saves the others as they were, and decides every key as before.
/// </summary>
public sealed class RangedListingTests
{
    private static readonly (string Key, string Content)[] Files = [.. Enumerable.Range(0, 2_500).Select(i => ($"f/{i:D4}.txt", $"v{i}"))];

    [Fact]
    public async Task ChangesInDifferentRangesOnEachSide_AreSyncedByTheDecisionTable_AndTheNextRunsFindTheListingOfWhatBothHold()
    {
        await using var bed = await TwoWayBed.SyncedAsync("", Files);
        bed.Write("a", "f/0100.txt", "changed on a", minutes: 5); // the first range
        File.Delete(bed.Path("a", "f/1200.txt")); // the second
        bed.Write("b", "f/2400.txt", "changed on b", minutes: 5); // the third, on the other side
        bed.Write("a", "f/2200.txt", "from a", minutes: 5); // changed on both: a conflict
        bed.Write("b", "f/2200.txt", "from b, later", minutes: 9);
        bed.Write("b", "g/new.txt", "new on b", minutes: 5); // after every range

        var run = await bed.RunAsync();

        Assert.True(run.Status == RunStatus.Succeeded, run.Message);
        var expected = Files.Where(f => f.Key != "f/1200.txt").ToDictionary(f => f.Key, f => f.Content, StringComparer.Ordinal);
        expected["f/0100.txt"] = "changed on a";
        expected["f/2400.txt"] = "changed on b";
        expected["f/2200.txt"] = "from b, later";
        expected[TwoWayBed.ConflictName("f/2200.txt", "a", 5)] = "from a";
        expected["g/new.txt"] = "new on b";
        await bed.AssertBothAsync([.. Tree(expected)]); // and a rerun finds both sides as the saved listing has them

        bed.Write("b", "f/0050.txt", "changed on b again", minutes: 11); // a range saved as it was, now changed on the other side
        File.Delete(bed.Path("b", "f/2300.txt"));
        var again = await bed.RunAsync();

        Assert.True(again.Status == RunStatus.Succeeded, again.Message);
        expected["f/0050.txt"] = "changed on b again";
        expected.Remove("f/2300.txt");
        await bed.AssertBothAsync([.. Tree(expected)]);
        await using var store = new SqliteSyncStore(bed.Dir.Combine(".syncplane", "syncplane.db"), TimeProvider.System);
        var listing = (await store.GetListingAsync("both", CancellationToken.None))!.Decode();
        Assert.Equal(Tree(expected).Select(k => k.Split('=')[0].TrimEnd('/')).Order(StringComparer.Ordinal), listing.Source.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(listing.Source.Keys.Order(StringComparer.Ordinal), listing.Destination.Keys.Order(StringComparer.Ordinal));
    }

    private static IEnumerable<string> Tree(Dictionary<string, string> files) =>
        files.Select(f => $"{f.Key}={f.Value}").Concat(files.Keys.Select(k => k[..(k.IndexOf('/', StringComparison.Ordinal) + 1)]).Distinct());
}
