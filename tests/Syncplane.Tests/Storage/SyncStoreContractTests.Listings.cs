using Syncplane.Planning;
using Syncplane.Planning.TwoWay;
using Syncplane.Storage;

namespace Syncplane.Tests.Storage;

public abstract partial class SyncStoreContractTests
{
    [Fact]
    public async Task Listing_IsNullUntilSaved_ThenKeepsBothSidesApartFromTheItemIndex()
    {
        Assert.Null(await Store.GetListingAsync("two", Ct));
        var a = new Item("a.txt", ItemKind.File, 3, 638_000_000_000_000_001, 0b110_100_100, new string('b', 64));
        var b = new Item("dir", ItemKind.Directory, 0, 638_000_000_000_000_002);
        var link = new Item("dir/ünïcode link", ItemKind.Symlink, 5, 638_000_000_000_000_003, LinkTarget: "../a.txt");
        await Store.UpdateItemIndexAsync("two", "destination", [a], [], Ct);

        await Store.SaveListingAsync("two", new Listing(Items(a, b, link), Items(a), "/src", "/dst"), null, Ct);
        await Store.SaveListingAsync("two", new Listing(Items(a, link), Items(a), "/src", "/dst2"), null, Ct);

        var listing = (await Store.GetListingAsync("two", Ct))?.Decode();
        Assert.NotNull(listing);
        Assert.Equal(("/src", "/dst2"), (listing.SourceRoot, listing.DestinationRoot));
        Assert.Equal(Items(a, link), listing.Source);
        Assert.Equal(Items(a), listing.Destination);
        Assert.Equal(Items(a), await Store.GetItemIndexAsync("two", "destination", Ct));
        Assert.Null(await Store.GetListingAsync("other", Ct));

        await Store.SaveListingAsync("empty", new Listing(Items(), Items(), "/x", "/y"), null, Ct);
        Assert.Empty((await Store.GetListingAsync("empty", Ct))!.Decode().Source); // saved with nothing: a listing all the same
    }

    [Fact]
    public async Task Listing_OfManyItems_RoundTripsEveryField()
    {
        var items = Enumerable.Range(0, 5_000)
            .Select(i => new Item($"d{i % 7}/s{i % 3}/file-{i:D5}.dat", ItemKind.File, i * 37L, 638_000_000_000_000_000 + i, 0b110_100_100, i % 2 == 0 ? $"{i:x64}" : null, MtimeExtraNanos: i % 100))
            .ToDictionary(i => i.Key, StringComparer.Ordinal);

        await Store.SaveListingAsync("many", new Listing(items, items, "/a", "/b"), null, Ct);

        var listing = (await Store.GetListingAsync("many", Ct))!.Decode();
        Assert.Equal(items, listing.Source);
        Assert.Equal(items, listing.Destination);
    }

    private static Dictionary<string, Item> Items(params Item[] items) => items.ToDictionary(i => i.Key, StringComparer.Ordinal);
}
