using System.IO.Compression;
using System.Text;
using Syncplane.Planning;
using Syncplane.Planning.TwoWay;
using Syncplane.Storage;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Storage;

public sealed class ListingCodecTests
{
    [Fact]
    public void Decode_AListingSavedInFormat1_ReadsItsItemsWithoutNanoseconds()
    {
        // Format 1 as the previous release wrote it: no nanoseconds below 100 ns.
        using var output = new MemoryStream();
        output.WriteByte(1);
        using (var writer = new BinaryWriter(new DeflateStream(output, CompressionLevel.Fastest, leaveOpen: true), Encoding.UTF8))
        {
            writer.Write7BitEncodedInt(2);
            WriteV1(writer, "", "dir/a.txt", 0x10, 3, 638_000_000_000_000_001, 0b110_100_100, new string('c', 64));
            WriteV1(writer, "dir/a.txt", "dir/link", (int)ItemKind.Symlink | 0x20, 5, 638_000_000_000_000_002, 0, "../x");
        }

        var items = ListingCodec.Read(output.ToArray()).Decode();

        Assert.Equal(new Item("dir/a.txt", ItemKind.File, 3, 638_000_000_000_000_001, 0b110_100_100, new string('c', 64)), items["dir/a.txt"]);
        Assert.Equal(new Item("dir/link", ItemKind.Symlink, 5, 638_000_000_000_000_002, LinkTarget: "../x"), items["dir/link"]);
    }

    [Fact]
    public void Decode_AnUnknownFormat_FailsSayingToResync()
    {
        var error = Assert.Throws<InvalidDataException>(() => ListingCodec.Read([9, 1, 2]));
        Assert.Contains("--resync", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_ThenRead_RoundTripsEveryFieldAcrossRangesOfAThousandKeys()
    {
        var items = Side(2_500);

        var (value, digest) = ListingCodec.Encode(items, inSync: true, previous: null);
        var read = ListingCodec.Read(value);

        Assert.Equal(items, read.Decode());
        Assert.Equal(3, read.RangeCount);
        Assert.Equal((SideDigest.Of(items.Values), true), ListingCodec.ReadHeader(value));
        Assert.Equal(SideDigest.Of(items.Values), digest);
    }

    [Fact]
    public void Read_AListingSavedInFormat3_ReadsEveryItem_AndTheNextSaveWritesFormat4()
    {
        // Format 3 as the previous release wrote it: the header, then one deflated run of every item.
        var a = new Item("dir/a.txt", ItemKind.File, 3, 638_000_000_000_000_001, 0b110_100_100, new string('c', 64), MtimeExtraNanos: 42);
        var link = new Item("dir/link", ItemKind.Symlink, 5, 638_000_000_000_000_002, LinkTarget: "../x");
        var value = LegacyListing.Write([a, link], new SideDigest(11, 12, 2));
        var read = ListingCodec.Read(value);

        Assert.Equal((new SideDigest(11, 12, 2), true), ListingCodec.ReadHeader(value));
        Assert.Equal(new Dictionary<string, Item> { [a.Key] = a, [link.Key] = link }, read.Decode());
        var walk = new Dictionary<string, Item> { [a.Key] = a with { Hash = null, Size = 4 }, [link.Key] = link };
        Assert.Equal(read.Decode(), Copy(read.Against(walk, SideDigest.Of(walk.Values)))); // read whole: every item as stored

        var (saved, _) = ListingCodec.Encode(read.Decode(), inSync: true, read);
        Assert.Equal(4, saved[0]);
        Assert.Equal(read.Decode(), ListingCodec.Read(saved).Decode());
    }

    [Fact]
    public void Against_AWalkThatDiffersInOneRange_DecodesThatRangeOnly_AndTakesTheOthersFromTheWalk()
    {
        var stored = Side(3_000);
        var read = ListingCodec.Read(ListingCodec.Encode(stored, inSync: true, previous: null).Value);
        var walk = WithoutHashes(stored);
        var changed = Key(1_500); // in the second range
        walk[changed] = walk[changed] with { Size = 999_999 };

        var listed = read.Against(walk, SideDigest.Of(walk.Values));

        Assert.Equal(stored[changed], listed[changed]); // the listed item, not the walk's; its range decoded, so with stored hashes
        Assert.All(Enumerable.Range(1_000, 1_000), i => Assert.Equal(stored[Key(i)], listed[Key(i)]));
        Assert.All(Enumerable.Range(0, 1_000).Concat(Enumerable.Range(2_000, 1_000)), i => Assert.Same(walk[Key(i)], listed[Key(i)]));
        Assert.Equal(Stripped(stored), Stripped(listed));
    }

    [Fact]
    public void Against_AKeyMovedBetweenRangesAndAnEmptiedSide_GiveTheStoredItems()
    {
        var stored = Side(3_000);
        var read = ListingCodec.Read(ListingCodec.Encode(stored, inSync: false, previous: null).Value);
        var walk = WithoutHashes(stored);
        walk.Remove(Key(10));
        walk[Key(2_990) + ".moved"] = stored[Key(10)] with { Key = Key(2_990) + ".moved", Hash = null }; // from the first range into the last

        Assert.Equal(Stripped(stored), Stripped(read.Against(walk, SideDigest.Of(walk.Values))));
        Assert.Equal(stored, Copy(read.Against(new Dictionary<string, Item>(), default))); // every range differs: the stored side, whole
    }

    [Fact]
    public void Encode_AgainstThePreviousSide_CopiesUnchangedRanges_KeepsStoredHashes_AndCutsARangeThatGrew()
    {
        var stored = Side(4_000);
        var previous = ListingCodec.Read(ListingCodec.Encode(stored, inSync: true, previous: null).Value);
        var now = WithoutHashes(stored); // as a run leaves a side it walked: no hashes
        now[Key(2_500)] = now[Key(2_500)] with { Size = 7 }; // the third range changed
        for (var i = 0; i < 1_000; i++)
        {
            now.Remove(Key(1_000 + i)); // the second range emptied
            var key = Key(999) + $"-{i:D4}"; // and 1,000 keys moved into the first
            now[key] = new Item(key, ItemKind.File, i, 638_000_000_000_000_000 + i);
        }

        var (value, digest) = ListingCodec.Encode(now, inSync: false, previous);
        var read = ListingCodec.Read(value);

        var expected = new Dictionary<string, Item>(now, StringComparer.Ordinal);
        foreach (var (key, item) in stored)
        {
            if (expected.ContainsKey(key) && key != Key(2_500))
            {
                expected[key] = item; // unchanged since it was hashed: the hash stays
            }
        }

        Assert.Equal(expected, read.Decode());
        Assert.Equal(SideDigest.Of(now.Values), digest);
        Assert.Equal(3, read.RangeCount); // the first (2,000 keys, one range), the third, the fourth, and no empty second
        Assert.Equal(Bytes(previous, 3), Bytes(read, 2)); // unchanged: its stored bytes
        Assert.NotEqual(Bytes(previous, 2), Bytes(read, 1));
        Assert.Equal(Stripped(expected), Stripped(read.Against(now, SideDigest.Of(now.Values))));
    }

    [Fact]
    public void Encode_ARangeThatGrewPastTwiceItsSize_IsCutAgain_AndAnEmptySideHasNoRanges()
    {
        var stored = Side(1_000);
        var previous = ListingCodec.Read(ListingCodec.Encode(stored, inSync: true, previous: null).Value);
        var now = new Dictionary<string, Item>(stored, StringComparer.Ordinal);
        foreach (var (key, item) in Side(3_000, "z"))
        {
            now[key] = item;
        }

        var read = ListingCodec.Read(ListingCodec.Encode(now, inSync: true, previous).Value);
        var empty = ListingCodec.Read(ListingCodec.Encode(new Dictionary<string, Item>(), inSync: true, read).Value);

        Assert.Equal(now, read.Decode());
        Assert.Equal(4, read.RangeCount);
        Assert.Empty(empty.Decode());
        Assert.Equal(0, empty.RangeCount);
        Assert.Equal(now, ListingCodec.Read(ListingCodec.Encode(now, inSync: true, empty).Value).Decode()); // from an empty side: cut afresh
    }

    [Fact]
    public void Encode_ASidePatchedOverTheStoredOne_CopiesTheRangesNoPatchedKeyIsIn_AndSavesWhatAWholeSaveSaves()
    {
        var stored = Side(4_000);
        var previous = ListingCodec.Read(ListingCodec.Encode(stored, inSync: true, previous: null).Value);
        var walk = WithoutHashes(stored);
        walk[Key(1_500)] = walk[Key(1_500)] with { Size = 7 }; // the walk differs in the second range
        var listed = Assert.IsType<PatchedItems>(previous.Against(walk, SideDigest.Of(walk.Values)));
        var patch = new Dictionary<string, Item?>(StringComparer.Ordinal);
        foreach (var key in listed.Patched)
        {
            patch[key] = walk.GetValueOrDefault(key);
        }

        for (var i = 0; i < 1_000; i++)
        {
            patch[Key(i)] = null; // the run deleted the first range's files
        }

        var added = Key(3_500) + ".new";
        patch[added] = new Item(added, ItemKind.File, 1, 638_000_000_000_000_000); // and created one in the fourth
        var now = new PatchedItems(walk, patch, previous);

        var (value, digest) = ListingCodec.Encode(now, inSync: true, previous);
        var whole = ListingCodec.Encode(Copy(now), inSync: true, previous);
        var read = ListingCodec.Read(value);

        Assert.Equal(3_001, now.Count);
        Assert.Equal(whole.Value, value);
        Assert.Equal(SideDigest.Of(now.Values), digest);
        Assert.Equal(3, read.RangeCount); // no empty first range
        Assert.Equal(Bytes(previous, 2), Bytes(read, 1)); // no patched key in the third: its stored bytes
        Assert.Equal(stored[Key(2_000)], read.Decode()[Key(2_000)]); // with its stored hash
        Assert.Equal(stored[Key(3_000)], read.Decode()[Key(3_000)]); // and so in a range encoded again
        Assert.Equal(Stripped(now), Stripped(read.Decode()));
    }

    [Fact]
    public void InSync_OfSidesPatchedOverAListingSavedInSync_IsTheirsAtThePatchedKeys()
    {
        var value = ListingCodec.Encode(Side(3_000), inSync: true, previous: null).Value;
        var previous = new StoredListing("/a", "/b", ListingCodec.Read(value), ListingCodec.Read(value));
        var walk = WithoutHashes(Side(3_000));
        Listing Deleting(string[] inSource, string[] inDestination) => new(
            new PatchedItems(walk, inSource.ToDictionary(k => k, _ => (Item?)null, StringComparer.Ordinal), previous.Source),
            new PatchedItems(walk, inDestination.ToDictionary(k => k, _ => (Item?)null, StringComparer.Ordinal), previous.Destination),
            "/a",
            "/b");

        Assert.True(StoredListing.InSync(Deleting([], []), previous));
        Assert.True(StoredListing.InSync(Deleting([Key(10)], [Key(10)]), previous));
        Assert.False(StoredListing.InSync(Deleting([Key(10)], []), previous));
        Assert.False(StoredListing.InSync(Deleting([Key(10)], [Key(2_900)]), previous)); // as many keys on each side, not the same ones

        var source = Side(3_000);
        var destination = Side(3_000);
        destination.Remove(Key(5));
        var apart = new StoredListing("/a", "/b", ListingCodec.Read(ListingCodec.Encode(source, inSync: false, previous: null).Value), ListingCodec.Read(ListingCodec.Encode(destination, inSync: false, previous: null).Value));
        var asSaved = new Listing(
            new PatchedItems(WithoutHashes(source), new Dictionary<string, Item?>(), apart.Source),
            new PatchedItems(WithoutHashes(destination), new Dictionary<string, Item?>(), apart.Destination),
            "/a",
            "/b");
        Assert.False(StoredListing.InSync(asSaved, apart)); // saved out of sync: every key is looked at
    }

    private static string Key(int i) => $"d/file-{i:D5}.dat";

    /// <summary>A side of files, in key order by index for the top "d" (each range is a thousand consecutive indexes).</summary>
    private static Dictionary<string, Item> Side(int count, string top = "d") => Enumerable.Range(0, count)
        .Select(i => new Item($"{top}/file-{i:D5}.dat", ItemKind.File, i * 37L, 638_000_000_000_000_000 + i, 0b110_100_100, $"{i:x64}", MtimeExtraNanos: i % 100))
        .ToDictionary(i => i.Key, StringComparer.Ordinal);

    private static byte[] Bytes(ListedSide side, int range)
    {
        var (_, value, offset, length) = side.BytesOf(range);
        return value.AsSpan(offset, length).ToArray();
    }

    private static Dictionary<string, Item> Copy(IReadOnlyDictionary<string, Item> items) => new(items, StringComparer.Ordinal);

    private static Dictionary<string, Item> WithoutHashes(Dictionary<string, Item> items) =>
        items.Values.Select(i => i with { Hash = null }).ToDictionary(i => i.Key, StringComparer.Ordinal);

    private static Dictionary<string, Item> Stripped(IReadOnlyDictionary<string, Item> items) =>
        items.Values.Select(i => i with { Hash = null }).ToDictionary(i => i.Key, StringComparer.Ordinal);

    private static void WriteV1(BinaryWriter writer, string previous, string key, int flags, long size, long ticks, int mode, string extra)
    {
        var shared = key.AsSpan().CommonPrefixLength(previous);
        var rest = Encoding.UTF8.GetBytes(key[shared..]);
        writer.Write7BitEncodedInt(shared);
        writer.Write7BitEncodedInt(rest.Length);
        writer.Write(rest);
        writer.Write((byte)flags);
        writer.Write7BitEncodedInt64(size);
        writer.Write7BitEncodedInt64(ticks);
        writer.Write7BitEncodedInt(mode);
        writer.Write(extra);
    }
}
