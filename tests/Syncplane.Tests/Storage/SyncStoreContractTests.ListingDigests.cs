using Syncplane.Planning;
using Syncplane.Planning.TwoWay;

namespace Syncplane.Tests.Storage;

public abstract partial class SyncStoreContractTests
{
    [Fact]
    public async Task ListingDigests_AreThoseOfTheSavedSides_AndSayWhetherBothHoldTheSameKeysAsTheSameKinds()
    {
        Assert.Null(await Store.GetListingDigestsAsync("digests", Ct));
        var file = new Item("a.txt", ItemKind.File, 3, 638_000_000_000_000_001, 0b110_100_100, MtimeExtraNanos: 7);
        var directory = new Item("dir", ItemKind.Directory, 0, 638_000_000_000_000_002);
        var older = file with { MtimeTicks = 638_000_000_000_000_000, Hash = new string('b', 64) };

        await Store.SaveListingAsync("digests", new Listing(Items(file, directory), Items(older, directory), "/src", "/dst"), null, Ct);
        var inSync = await Store.GetListingDigestsAsync("digests", Ct);

        Assert.Equal(new ListingDigests("/src", "/dst", SideDigest.Of([file, directory]), SideDigest.Of([older, directory]), InSync: true), inSync);

        await Store.SaveListingAsync("digests", new Listing(Items(file, directory), Items(file), "/src", "/dst"), null, Ct);
        Assert.False((await Store.GetListingDigestsAsync("digests", Ct))!.InSync); // a key on one side only

        await Store.SaveListingAsync("digests", new Listing(Items(file, directory), Items(file, directory with { Kind = ItemKind.File }), "/src", "/dst"), null, Ct);
        Assert.False((await Store.GetListingDigestsAsync("digests", Ct))!.InSync); // a key that is a file on one side and a directory on the other
    }
}
