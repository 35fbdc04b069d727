using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Syncplane.Planning;
using Syncplane.Planning.TwoWay;

namespace Syncplane.Storage;

/// <summary>
/// One side of a two-way listing as one compressed value: a re-sync loads and saves a single row instead of a row
/// per item. Keys are written in ordinal order, each as the bytes it shares with the key before it and the rest.
/// </summary>
/// <remarks>Format 3: a version byte, the side's <see cref="SideDigest"/> (low, high, count) and a flags byte (1: the
/// listing is in sync, <see cref="ListingDigests.InSync"/>), then deflate of: count, then per item shared-prefix length, suffix, kind and
/// flags, size, mtime ticks, mode, hash, link target and the mtime's nanoseconds below 100 ns when present (integers
/// 7-bit encoded). The header is read alone (<see cref="HeaderLength"/> bytes) to tell an unchanged re-sync without
/// inflating anything. Format 2 lacked the header and format 1 also the nanoseconds (read as 0): both are still read,
/// and the next run saves format 3.</remarks>
internal static class ListingCodec
{
    /// <summary>The bytes <see cref="ReadHeader"/> needs.</summary>
    public const int HeaderLength = 1 + 8 + 8 + 4 + 1;

    private const byte Version = 3;
    private const byte VersionWithoutHeader = 2;
    private const byte VersionWithoutNanos = 1;
    private const byte InSyncFlag = 1;
    private const int HasHash = 0x10;
    private const int HasLink = 0x20;
    private const int HasNanos = 0x40;
    private const int KindMask = 0x0F;

    /// <param name="items">The side's items.</param>
    /// <param name="inSync">Whether the listing's two sides hold the same keys as the same kinds (<see cref="ListingDigests.AreInSync"/>).</param>
    /// <returns>The value, and the digest of the side its header holds.</returns>
    public static (byte[] Value, SideDigest Digest) Encode(IReadOnlyDictionary<string, Item> items, bool inSync)
    {
        ArgumentNullException.ThrowIfNull(items);
        var digest = SideDigest.Of(items.Values);

        // Written to bytes first, then deflated in one call: a stream call per field costs more than the items themselves.
        var sorted = items.Values.ToArray();
        Array.Sort(sorted, static (x, y) => string.CompareOrdinal(x.Key, y.Key));
        var writer = new ByteWriter(sorted.Length * 32);
        writer.Long(sorted.Length);
        var key = new byte[256];
        var previous = new byte[256];
        var previousLength = 0;
        foreach (var item in sorted)
        {
            var length = Encoding.UTF8.GetMaxByteCount(item.Key.Length);
            if (key.Length < length)
            {
                key = new byte[length];
            }

            length = Encoding.UTF8.GetBytes(item.Key, key);
            var shared = key.AsSpan(0, length).CommonPrefixLength(previous.AsSpan(0, previousLength));
            writer.Long(shared);
            writer.Long(length - shared);
            writer.Bytes(key.AsSpan(shared, length - shared));
            writer.Byte((byte)((int)item.Kind | (item.Hash is null ? 0 : HasHash) | (item.LinkTarget is null ? 0 : HasLink) | (item.MtimeExtraNanos == 0 ? 0 : HasNanos)));
            writer.Long(item.Size);
            writer.Long(item.MtimeTicks);
            writer.Long((uint)item.Mode);
            if (item.Hash is not null)
            {
                writer.String(item.Hash);
            }

            if (item.LinkTarget is not null)
            {
                writer.String(item.LinkTarget);
            }

            if (item.MtimeExtraNanos != 0)
            {
                writer.Byte((byte)item.MtimeExtraNanos);
            }

            (key, previous, previousLength) = (previous, key, length);
        }

        using var output = new MemoryStream(writer.Length / 3);
        Span<byte> header = stackalloc byte[HeaderLength];
        header[0] = Version;
        BinaryPrimitives.WriteUInt64LittleEndian(header[1..], digest.Low);
        BinaryPrimitives.WriteUInt64LittleEndian(header[9..], digest.High);
        BinaryPrimitives.WriteInt32LittleEndian(header[17..], digest.Count);
        header[21] = inSync ? InSyncFlag : (byte)0;
        output.Write(header);
        using (var deflate = new DeflateStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            deflate.Write(writer.Written);
        }

        return (output.ToArray(), digest);
    }

    public static Dictionary<string, Item> Decode(byte[] value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 0 || value[0] is not (Version or VersionWithoutHeader or VersionWithoutNanos) || (value[0] == Version && value.Length < HeaderLength))
        {
            throw new InvalidDataException($"a stored listing has format {(value.Length == 0 ? "(empty)" : value[0])}, not {Version}; run the target once with --resync");
        }

        // Inflated whole, then read from the bytes: a stream call per field costs more than the items themselves.
        var data = Inflate(value, value[0] == Version ? HeaderLength : 1);
        var reader = new SpanReader(data);
        var count = reader.Int();
        var items = new Dictionary<string, Item>(count, StringComparer.Ordinal);
        var key = new byte[256];
        for (var i = 0; i < count; i++)
        {
            var shared = reader.Int();
            var rest = reader.Bytes(reader.Int());
            if (key.Length < shared + rest.Length)
            {
                Array.Resize(ref key, Math.Max(key.Length * 2, shared + rest.Length));
            }

            rest.CopyTo(key.AsSpan(shared));
            var name = Encoding.UTF8.GetString(key, 0, shared + rest.Length);
            int flags = reader.Byte();
            var size = reader.Long();
            var ticks = reader.Long();
            var mode = reader.Int();
            var hash = (flags & HasHash) != 0 ? reader.String() : null;
            var link = (flags & HasLink) != 0 ? reader.String() : null;
            var nanos = (flags & HasNanos) != 0 ? reader.Byte() : 0;
            items[name] = new Item(name, (ItemKind)(flags & KindMask), size, ticks, mode, hash, link, nanos);
        }

        return items;
    }

    /// <summary>The side's digest and whether the listing is in sync, from the first <see cref="HeaderLength"/> bytes (or more) of a value; null for a format without them.</summary>
    public static (SideDigest Digest, bool InSync)? ReadHeader(ReadOnlySpan<byte> value)
    {
        if (value.Length < HeaderLength || value[0] != Version)
        {
            return null;
        }

        var digest = new SideDigest(
            BinaryPrimitives.ReadUInt64LittleEndian(value[1..]),
            BinaryPrimitives.ReadUInt64LittleEndian(value[9..]),
            BinaryPrimitives.ReadInt32LittleEndian(value[17..]));
        return (digest, (value[21] & InSyncFlag) != 0);
    }

    private static byte[] Inflate(byte[] value, int start)
    {
        using var deflate = new DeflateStream(new MemoryStream(value, start, value.Length - start), CompressionMode.Decompress);
        using var inflated = new MemoryStream(value.Length * 4);
        deflate.CopyTo(inflated);
        return inflated.GetBuffer().AsSpan(0, (int)inflated.Length).ToArray();
    }

    /// <summary>Writes what <see cref="SpanReader"/> reads (and <see cref="BinaryWriter"/> wrote in format 1): 7-bit encoded integers and length-prefixed UTF-8 strings.</summary>
    private sealed class ByteWriter(int capacity)
    {
        private byte[] _buffer = new byte[Math.Max(capacity, 64)];

        public int Length { get; private set; }

        public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, Length);

        public void Byte(byte value)
        {
            Room(1);
            _buffer[Length++] = value;
        }

        public void Bytes(ReadOnlySpan<byte> bytes)
        {
            Room(bytes.Length);
            bytes.CopyTo(_buffer.AsSpan(Length));
            Length += bytes.Length;
        }

        public void Long(long value)
        {
            Room(10);
            var rest = (ulong)value;
            while (rest >= 0x80)
            {
                _buffer[Length++] = (byte)(rest | 0x80);
                rest >>= 7;
            }

            _buffer[Length++] = (byte)rest;
        }

        public void String(string value)
        {
            Long(Encoding.UTF8.GetByteCount(value));
            Room(Encoding.UTF8.GetMaxByteCount(value.Length));
            Length += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(Length));
        }

        private void Room(int bytes)
        {
            if (Length + bytes > _buffer.Length)
            {
                Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + bytes));
            }
        }
    }

    /// <summary>Reads what <see cref="BinaryWriter"/> wrote: 7-bit encoded integers and length-prefixed UTF-8 strings.</summary>
    private ref struct SpanReader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _at;

        public int Byte() => _data[_at++];

        public ReadOnlySpan<byte> Bytes(int length)
        {
            var bytes = _data.Slice(_at, length);
            _at += length;
            return bytes;
        }

        public int Int() => unchecked((int)(uint)Long());

        public long Long()
        {
            ulong result = 0;
            for (var shift = 0; shift < 70; shift += 7)
            {
                var b = _data[_at++];
                result |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return (long)result;
                }
            }

            throw new InvalidDataException("a stored listing is damaged (an integer runs on); run the target once with --resync");
        }

        public string String() => Encoding.UTF8.GetString(Bytes(Int()));
    }
}
