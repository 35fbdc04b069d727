using Syncplane.Planning;
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
        await Store.UpdateItemIndexAsync("two", "destination", [a], [], Ct);

        await Store.SaveListingAsync("two", new ListingChanges("/src", "/dst", [a, b], [], [a], []), Ct);
        await Store.SaveListingAsync("two", new ListingChanges("/src", "/dst2", [], ["dir"], [], []), Ct);

        var listing = await Store.GetListingAsync("two", Ct);
        Assert.NotNull(listing);
        Assert.Equal(("/src", "/dst2"), (listing.SourceRoot, listing.DestinationRoot));
        Assert.Equal(new Dictionary<string, Item> { [a.Key] = a }, listing.Source);
        Assert.Equal(new Dictionary<string, Item> { [a.Key] = a }, listing.Destination);
        Assert.Equal(new Dictionary<string, Item> { [a.Key] = a }, await Store.GetItemIndexAsync("two", "destination", Ct));
        Assert.Null(await Store.GetListingAsync("other", Ct));

        await Store.SaveListingAsync("empty", new ListingChanges("/x", "/y", [], [], [], []), Ct);
        Assert.Empty((await Store.GetListingAsync("empty", Ct))!.Source); // saved with nothing: a listing all the same
    }
}
