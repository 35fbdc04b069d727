using Syncplane.Planning;
using Syncplane.Planning.TwoWay;

namespace Syncplane.Tests.Engine.TwoWay;

public sealed class TwoWaySideDigestTests
{
    private static readonly Item File = new("dir/a.txt", ItemKind.File, 3, 638_000_000_000_000_001, 0b110_100_100, MtimeExtraNanos: 42);
    private static readonly Item Directory = new("dir", ItemKind.Directory, 0, 638_000_000_000_000_002, 0b111_101_101);
    private static readonly Item Link = new("dir/link", ItemKind.Symlink, 5, 638_000_000_000_000_003, LinkTarget: "a.txt");

    [Fact]
    public void Of_DoesNotDependOnOrderOrOnComputedHashes()
    {
        var digest = SideDigest.Of([File, Directory, Link]);

        Assert.Equal(digest, SideDigest.Of([Link, File, Directory]));
        Assert.Equal(digest, SideDigest.Of([File with { Hash = new string('c', 64) }, Directory, Link]));
        Assert.Equal(3, digest.Count);
    }

    public static TheoryData<string, Item> Changes => new()
    {
        { "a nanosecond of mtime", File with { MtimeExtraNanos = 43 } },
        { "100 ns of mtime", File with { MtimeTicks = File.MtimeTicks + 1 } },
        { "size", File with { Size = 4 } },
        { "mode", File with { Mode = 0b111_100_100 } },
        { "kind", File with { Kind = ItemKind.Symlink, LinkTarget = "x" } },
        { "key", File with { Key = "dir/b.txt" } },
        { "key case", File with { Key = "dir/A.txt" } },
        { "link target", Link with { LinkTarget = "a.txT" } },
        { "an empty link target", Link with { LinkTarget = "" } },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public void Of_ChangesWhenAnyOtherFieldOfOneItemChanges(string what, Item changed)
    {
        var before = SideDigest.Of([File, Directory, Link]);
        var after = SideDigest.Of([changed.Key == Link.Key ? File : changed, Directory, changed.Key == Link.Key ? changed : Link]);

        Assert.True(before != after, what);
    }

    [Fact]
    public void Of_TwoItemsSwappingTheirTimes_Changes()
    {
        var x = new Item("x", ItemKind.File, 1, 100);
        var y = new Item("y", ItemKind.File, 1, 200);

        Assert.NotEqual(SideDigest.Of([x, y]), SideDigest.Of([x with { MtimeTicks = 200 }, y with { MtimeTicks = 100 }]));
    }
}
