using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Syncplane.Engine;
using Syncplane.Planning;

namespace Syncplane.Tests.Engine;

/// <summary>
/// A folder target's revision is hashed as it is written now, not from one string of the whole tree; its value must not
/// change with that, or every notifier with <c>on: [changed]</c> would see a change on the first run after an upgrade.
/// </summary>
public sealed class RunRevisionHashTests
{
    [Fact]
    public void Of_ATreeLargerThanTheBuffer_HasTheValueOfTheWholeTextHashedAtOnce()
    {
        var items = new List<Item>
        {
            new("é/naïve.txt", ItemKind.File, 12, 638_000_000_000_000_001, 0x1A4, MtimeExtraNanos: 7),
            new("é", ItemKind.Directory, 0, -5, 0x1ED),
            new("link", ItemKind.Symlink, 3, 1, LinkTarget: "../é"),
            new("hashed", ItemKind.File, long.MaxValue, long.MinValue, Hash: new string('a', 64)),
            new(new string('k', 70_000), ItemKind.File, 1, 2), // one key longer than the buffer
        };
        for (var i = 0; i < 5_000; i++)
        {
            items.Add(new Item($"d{i % 7}/file-{i:000000}.dat", ItemKind.File, i * 31, 638_000_000_000_000_000 + i, 0x1A4));
        }

        var snapshot = new Snapshot(items.AsEnumerable().Reverse());

        Assert.Equal(WholeText(snapshot), RunRevision.Of(snapshot, commit: null));
    }

    [Fact]
    public void Of_AnEmptyTree_IsTheHashOfNothing() =>
        Assert.Equal(WholeText(Snapshot.Empty), RunRevision.Of(Snapshot.Empty, commit: null));

    /// <summary>The revision as it was computed before: one string of every item's line, in key order.</summary>
    private static string WholeText(Snapshot source)
    {
        var text = new StringBuilder();
        foreach (var item in source.Items.Values.OrderBy(i => i.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"{item.Key}\0{item.Kind}\0{item.Size}\0{item.MtimeTicks}\0{item.Mode}\0{item.Hash}\0{item.LinkTarget}\n");
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
