using System.IO.Compression;
using System.Text;
using Syncplane.Planning;

namespace Syncplane.Storage;

/// <summary>
/// One side of a two-way listing as one compressed value: a re-sync loads and saves a single row instead of a row
/// per item. Keys are written in ordinal order, each as the bytes it shares with the key before it and the rest.
/// </summary>
/// <remarks>Format 1: a version byte, then deflate of: count, then per item shared-prefix length, suffix, kind and
/// flags, size, mtime ticks, mode, hash and link target when present (integers 7-bit encoded).</remarks>
internal static class ListingCodec
{
    private const byte Version = 1;
    private const int HasHash = 0x10;
    private const int HasLink = 0x20;
    private const int KindMask = 0x0F;

    public static byte[] Encode(IReadOnlyDictionary<string, Item> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        using var output = new MemoryStream();
        output.WriteByte(Version);
        using (var deflate = new DeflateStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var writer = new BinaryWriter(new BufferedStream(deflate, 1 << 16), Encoding.UTF8))
        {
            writer.Write7BitEncodedInt(items.Count);
            var previous = Array.Empty<byte>();
            foreach (var item in items.Values.OrderBy(i => i.Key, StringComparer.Ordinal))
            {
                var key = Encoding.UTF8.GetBytes(item.Key);
                var shared = key.AsSpan().CommonPrefixLength(previous);
                writer.Write7BitEncodedInt(shared);
                writer.Write7BitEncodedInt(key.Length - shared);
                writer.Write(key, shared, key.Length - shared);
                writer.Write((byte)((int)item.Kind | (item.Hash is null ? 0 : HasHash) | (item.LinkTarget is null ? 0 : HasLink)));
                writer.Write7BitEncodedInt64(item.Size);
                writer.Write7BitEncodedInt64(item.MtimeTicks);
                writer.Write7BitEncodedInt(item.Mode);
                if (item.Hash is not null)
                {
                    writer.Write(item.Hash);
                }

                if (item.LinkTarget is not null)
                {
                    writer.Write(item.LinkTarget);
                }

                previous = key;
            }
        }

        return output.ToArray();
    }

    public static Dictionary<string, Item> Decode(byte[] value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 0 || value[0] != Version)
        {
            throw new InvalidDataException($"a stored listing has format {(value.Length == 0 ? "(empty)" : value[0])}, not {Version}; run the target once with --resync");
        }

        using var deflate = new DeflateStream(new MemoryStream(value, 1, value.Length - 1), CompressionMode.Decompress);
        using var reader = new BinaryReader(new BufferedStream(deflate, 1 << 16), Encoding.UTF8);
        var count = reader.Read7BitEncodedInt();
        var items = new Dictionary<string, Item>(count, StringComparer.Ordinal);
        var key = new byte[256];
        for (var i = 0; i < count; i++)
        {
            var shared = reader.Read7BitEncodedInt();
            var rest = reader.Read7BitEncodedInt();
            if (key.Length < shared + rest)
            {
                Array.Resize(ref key, Math.Max(key.Length * 2, shared + rest));
            }

            reader.BaseStream.ReadExactly(key, shared, rest);
            var name = Encoding.UTF8.GetString(key, 0, shared + rest);
            int flags = reader.ReadByte();
            var size = reader.Read7BitEncodedInt64();
            var ticks = reader.Read7BitEncodedInt64();
            var mode = reader.Read7BitEncodedInt();
            var hash = (flags & HasHash) != 0 ? reader.ReadString() : null;
            var link = (flags & HasLink) != 0 ? reader.ReadString() : null;
            items[name] = new Item(name, (ItemKind)(flags & KindMask), size, ticks, mode, hash, link);
        }

        return items;
    }
}
