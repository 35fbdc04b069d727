using System.IO.Compression;
using System.Text;
using Syncplane.Planning;
using Syncplane.Storage;

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

        var items = ListingCodec.Decode(output.ToArray());

        Assert.Equal(new Item("dir/a.txt", ItemKind.File, 3, 638_000_000_000_000_001, 0b110_100_100, new string('c', 64)), items["dir/a.txt"]);
        Assert.Equal(new Item("dir/link", ItemKind.Symlink, 5, 638_000_000_000_000_002, LinkTarget: "../x"), items["dir/link"]);
    }

    [Fact]
    public void Decode_AnUnknownFormat_FailsSayingToResync()
    {
        var error = Assert.Throws<InvalidDataException>(() => ListingCodec.Decode([9, 1, 2]));
        Assert.Contains("--resync", error.Message, StringComparison.Ordinal);
    }

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
