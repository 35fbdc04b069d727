using System.IO.Compression;
using System.Text;
using Syncplane.Planning;
using Syncplane.Planning.TwoWay;

namespace Syncplane.Tests.Support;

/// <summary>A side of a two-way listing as earlier releases stored it, one deflated run of every item after a header.</summary>
internal static class LegacyListing
{
    /// <summary>Format 3 (version, digest, in-sync flag, items) or, with no digest, format 2 (version, items).</summary>
    public static byte[] Write(IEnumerable<Item> items, SideDigest? digest, bool inSync = true)
    {
        var sorted = items.OrderBy(i => i.Key, StringComparer.Ordinal).ToList();
        using var output = new MemoryStream();
        output.WriteByte(digest is null ? (byte)2 : (byte)3);
        if (digest is { } d)
        {
            var header = new byte[21];
            BitConverter.TryWriteBytes(header.AsSpan(0), d.Low);
            BitConverter.TryWriteBytes(header.AsSpan(8), d.High);
            BitConverter.TryWriteBytes(header.AsSpan(16), d.Count);
            header[20] = inSync ? (byte)1 : (byte)0;
            output.Write(header);
        }

        using (var writer = new BinaryWriter(new DeflateStream(output, CompressionLevel.Fastest, leaveOpen: true), Encoding.UTF8))
        {
            writer.Write7BitEncodedInt(sorted.Count);
            var previous = "";
            foreach (var item in sorted)
            {
                var shared = Encoding.UTF8.GetBytes(item.Key).AsSpan().CommonPrefixLength(Encoding.UTF8.GetBytes(previous));
                var rest = Encoding.UTF8.GetBytes(item.Key)[shared..];
                writer.Write7BitEncodedInt(shared);
                writer.Write7BitEncodedInt(rest.Length);
                writer.Write(rest);
                writer.Write((byte)((int)item.Kind | (item.Hash is null ? 0 : 0x10) | (item.LinkTarget is null ? 0 : 0x20) | (item.MtimeExtraNanos == 0 ? 0 : 0x40)));
                writer.Write7BitEncodedInt64(item.Size);
                writer.Write7BitEncodedInt64(item.MtimeTicks);
                writer.Write7BitEncodedInt64((uint)item.Mode);
                if (item.Hash is not null)
                {
                    writer.Write(item.Hash);
                }

                if (item.LinkTarget is not null)
                {
                    writer.Write(item.LinkTarget);
                }

                if (item.MtimeExtraNanos != 0)
                {
                    writer.Write((byte)item.MtimeExtraNanos);
                }

                previous = item.Key;
            }
        }

        return output.ToArray();
    }
}
