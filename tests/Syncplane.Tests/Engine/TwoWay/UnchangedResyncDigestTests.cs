using Syncplane.Connectors.Directory;
using Syncplane.Storage;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Engine.TwoWay;

/// <summary>A re-sync with both sides as the in-sync listing has them is told by the sides' digests, without loading the listing.</summary>
public sealed class UnchangedResyncDigestTests
{
    [Fact]
    public async Task AnUnchangedReSync_DoesNotReadTheListingsItems_WhileAChangedOneDoes()
    {
        await using var bed = await TwoWayBed.SyncedAsync("", ("x.txt", "x"), ("dir/y.txt", "y"));
        Assert.Equal(RunStatus.Succeeded, (await bed.RunAsync()).Status);
        DamageItemsKeepingHeaders(bed);

        var unchanged = await bed.RunAsync();
        bed.Write("a", "dir/y.txt", "Y", minutes: 5);
        var changed = await bed.RunAsync();

        Assert.True(unchanged.Status == RunStatus.Succeeded && unchanged.Plan!.Changes.Count == 0, unchanged.Message);
        Assert.Contains("nothing to change (2 item(s))", unchanged.Message, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Failed, changed.Status); // the listing is read when a side changed, and it is damaged
        Assert.Equal("y", bed.Read("b", "dir/y.txt"));
    }

    [Fact]
    public async Task AChangeKeepingTheSizeWithAnMtimeOneNanosecondLater_IsSyncedAfterUnchangedReSyncs()
    {
        await using var bed = await TwoWayBed.SyncedAsync("", ("x.txt", "old"), ("y.txt", "y"));
        var stamp = new MtimeStamp(new DateTime(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc).Ticks + 1234567, 10);
        FileSystemOps.SetMtime(bed.Path("a", "x.txt"), stamp);
        FileSystemOps.SetMtime(bed.Path("b", "x.txt"), stamp);
        Assert.Equal(RunStatus.Succeeded, (await bed.RunAsync()).Status); // both changed to the same content: the listing takes the stamp
        var unchanged = await bed.RunAsync();
        Assert.True(unchanged.Plan!.Changes.Count == 0, unchanged.Message);

        File.WriteAllText(bed.Path("a", "x.txt"), "new");
        FileSystemOps.SetMtime(bed.Path("a", "x.txt"), stamp with { ExtraNanos = 11 });
        var run = await bed.RunAsync();

        Assert.True(run.Status == RunStatus.Succeeded, run.Message);
        Assert.Equal("new", bed.Read("b", "x.txt"));
        await bed.AssertBothAsync("x.txt=new", "y.txt=y");
    }

    [Fact]
    public async Task AListingSavedWithoutDigests_IsSavedOnceWithThem_ByAnUnchangedReSync()
    {
        await using var bed = await TwoWayBed.SyncedAsync("", ("x.txt", "x"), ("dir/y.txt", "y"));
        Assert.Equal(RunStatus.Succeeded, (await bed.RunAsync()).Status);
        WithoutHeaders(bed); // as the previous release saved it (format 2)
        Assert.Null(await Digests(bed));

        var upgraded = await bed.RunAsync();
        var digests = await Digests(bed);
        bed.SetListingSavedAt("untouched");
        var again = await bed.RunAsync();

        Assert.True(upgraded.Status == RunStatus.Succeeded && upgraded.Plan!.Changes.Count == 0, upgraded.Message);
        Assert.True(digests is { InSync: true, Source.Count: 3, Destination.Count: 3 }, $"{digests}");
        Assert.True(again.Status == RunStatus.Succeeded && again.Plan!.Changes.Count == 0, again.Message);
        Assert.Equal("untouched", bed.ListingSavedAt());
    }

    private const int HeaderLength = 22;

    private static async Task<Syncplane.Planning.TwoWay.ListingDigests?> Digests(TwoWayBed bed)
    {
        await using var store = new Syncplane.Storage.Sqlite.SqliteSyncStore(bed.Dir.Combine(".syncplane", "syncplane.db"), TimeProvider.System);
        return await store.GetListingDigestsAsync("both", CancellationToken.None);
    }

    /// <summary>Keeps each side's header (digest and flags) and replaces the compressed items after it with bytes that do not inflate.</summary>
    private static void DamageItemsKeepingHeaders(TwoWayBed bed) =>
        Rewrite(bed, value => [.. value.AsSpan(0, HeaderLength), 0xFF, 0xFF, 0xFF, 0xFF]);

    private static void WithoutHeaders(TwoWayBed bed) =>
        Rewrite(bed, value => LegacyListing.Write(ListingCodec.Read(value).Decode().Values, digest: null));

    private static void Rewrite(TwoWayBed bed, Func<byte[], byte[]> change)
    {
        using var connection = bed.OpenStoreFile();
        byte[] source, destination;
        using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT source_items, destination_items FROM listings";
            using var reader = read.ExecuteReader();
            Assert.True(reader.Read());
            (source, destination) = ((byte[])reader.GetValue(0), (byte[])reader.GetValue(1));
        }

        using var write = connection.CreateCommand();
        write.CommandText = "UPDATE listings SET source_items = $source, destination_items = $destination";
        write.Parameters.AddWithValue("$source", change(source));
        write.Parameters.AddWithValue("$destination", change(destination));
        Assert.Equal(1, write.ExecuteNonQuery());
    }
}
