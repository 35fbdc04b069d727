using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Syncplane.Planning;
using Syncplane.Planning.TwoWay;

namespace Syncplane.Storage;

/// <summary>
/// One side of a two-way listing as one value: a re-sync loads and saves a single row instead of a row per item. The
/// side is cut into ranges of keys, each compressed alone with its own digest, so a run decodes only the ranges its
/// walk differs in and a save copies the bytes of every range it did not change (<see cref="ListedSide"/>).
/// </summary>
/// <remarks>Format 4: a version byte, the side's <see cref="SideDigest"/> (low, high, count) and a flags byte (1: the
/// listing is in sync, <see cref="ListingDigests.InSync"/>), the number of ranges, then per range its first key, its
/// digest and the length of its bytes, then every range's bytes: deflate of, per item in key order, shared-prefix
/// length (with the key before it in the range), suffix, kind and flags, size, mtime ticks, mode, hash, link target and
/// the mtime's nanoseconds below 100 ns when present (integers 7-bit encoded). The header is read alone
/// (<see cref="HeaderLength"/> bytes) to tell an unchanged re-sync without reading anything else. Format 3 was one
/// deflated run of all items after the same header, format 2 lacked the header and format 1 also the nanoseconds
/// (read as 0): all are still read, whole, and the next save writes format 4.</remarks>
internal static class ListingCodec
{
    /// <summary>The bytes <see cref="ReadHeader"/> needs.</summary>
    public const int HeaderLength = 1 + 8 + 8 + 4 + 1;

    /// <summary>Items per range when a side is cut afresh; a range that grows past twice this is cut again.</summary>
    internal const int RangeSize = 1000;

    private const byte Version = 4;
    private const byte VersionWhole = 3;
    private const byte VersionWithoutHeader = 2;
    private const byte VersionWithoutNanos = 1;
    private const byte InSyncFlag = 1;
    private const int HasHash = 0x10;
    private const int HasLink = 0x20;
    private const int HasNanos = 0x40;
    private const int KindMask = 0x0F;

    /// <param name="items">The side's items; a <see cref="PatchedItems"/> over <paramref name="previous"/> re-encodes only the ranges of its patched keys.</param>
    /// <param name="inSync">Whether the listing's two sides hold the same keys as the same kinds (<see cref="ListingDigests.AreInSync"/>).</param>
    /// <param name="previous">The side as stored before, whose ranges are kept (their bytes copied when unchanged); null to cut afresh.</param>
    /// <returns>The value, and the digest of the side its header holds.</returns>
    public static (byte[] Value, SideDigest Digest) Encode(IReadOnlyDictionary<string, Item> items, bool inSync, ListedSide? previous)
    {
        ArgumentNullException.ThrowIfNull(items);
        var ranges = new List<(string First, SideDigest Digest, byte[] Bytes, int Offset, int Length)>();
        var digest = default(SideDigest);
        if (previous is { RangeCount: > 0 } && items is PatchedItems patched && ReferenceEquals(patched.Stored, previous))
        {
            // Only the ranges a patched key falls in can differ from the stored ones: the others are copied unread.
            var patchedIn = new List<string>?[previous.RangeCount];
            foreach (var key in patched.Patched)
            {
                (patchedIn[previous.RangeOf(key)] ??= []).Add(key);
            }

            for (var r = 0; r < patchedIn.Length; r++)
            {
                if (patchedIn[r] is not { } keys)
                {
                    Keep(previous, r, ranges);
                    digest = digest.Plus(previous.DigestOf(r));
                    continue;
                }

                // The range's keys now: the stored ones and the patched ones in it (a key the walk added is patched).
                var listed = previous.DecodeRange(r);
                var bucket = new List<Item>(listed.Count + keys.Count);
                foreach (var key in listed.Keys.Union(keys, StringComparer.Ordinal))
                {
                    if (patched.TryGetValue(key, out var item))
                    {
                        bucket.Add(item);
                    }
                }

                digest = digest.Plus(Reencode(previous, r, bucket, listed, ranges));
            }
        }
        else if (previous is { RangeCount: > 0 })
        {
            var buckets = new List<Item>[previous.RangeCount];
            foreach (var item in items.Values)
            {
                (buckets[previous.RangeOf(item.Key)] ??= []).Add(item);
            }

            for (var r = 0; r < buckets.Length; r++)
            {
                if (buckets[r] is { } bucket)
                {
                    digest = digest.Plus(Reencode(previous, r, bucket, null, ranges));
                }
            }
        }
        else
        {
            var all = items.Values.ToList();
            digest = SideDigest.Of(all);
            Cut(all, cut: true, ranges);
        }

        var writer = new ByteWriter(64 + ranges.Sum(r => r.Length + r.First.Length + 32));
        writer.Byte(Version);
        writer.UInt64(digest.Low);
        writer.UInt64(digest.High);
        writer.Int32(digest.Count);
        writer.Byte(inSync ? InSyncFlag : (byte)0);
        writer.Long(ranges.Count);
        foreach (var range in ranges)
        {
            writer.String(range.First);
            writer.UInt64(range.Digest.Low);
            writer.UInt64(range.Digest.High);
            writer.Long(range.Digest.Count);
            writer.Long(range.Length);
        }

        foreach (var range in ranges)
        {
            writer.Bytes(range.Bytes.AsSpan(range.Offset, range.Length));
        }

        return (writer.Written.ToArray(), digest);
    }

    /// <summary>A range whose items are as stored in all but the content hash, which a run keeps while a file is unchanged: the stored bytes are the range.</summary>
    private static void Keep(ListedSide previous, int range, List<(string First, SideDigest Digest, byte[] Bytes, int Offset, int Length)> ranges)
    {
        var (first, bytes, offset, length) = previous.BytesOf(range);
        ranges.Add((first, previous.DigestOf(range), bytes, offset, length));
    }

    /// <summary>
    /// The items now in a stored range (<paramref name="listed"/>: its items as stored, when already decoded): its stored
    /// bytes when they have the same digest, else encoded again with the stored hashes of unchanged files (cut again past
    /// twice <see cref="RangeSize"/>, dropped when empty). Returns the digest of the items.
    /// </summary>
    private static SideDigest Reencode(ListedSide previous, int range, List<Item> bucket, Dictionary<string, Item>? listed, List<(string First, SideDigest Digest, byte[] Bytes, int Offset, int Length)> ranges)
    {
        var digest = SideDigest.Of(bucket);
        if (digest == previous.DigestOf(range))
        {
            Keep(previous, range, ranges);
            return digest;
        }

        listed ??= previous.DecodeRange(range);
        for (var i = 0; i < bucket.Count; i++)
        {
            bucket[i] = TwoWayPlanner.WithListedHash(bucket[i], listed.GetValueOrDefault(bucket[i].Key));
        }

        Cut(bucket, bucket.Count > 2 * RangeSize, ranges);
        return digest;
    }

    /// <summary>Sorts items and encodes them as one range, or (<paramref name="cut"/>) as ranges of <see cref="RangeSize"/>.</summary>
    private static void Cut(List<Item> items, bool cut, List<(string First, SideDigest Digest, byte[] Bytes, int Offset, int Length)> ranges)
    {
        items.Sort(static (x, y) => string.CompareOrdinal(x.Key, y.Key));
        var size = cut ? RangeSize : Math.Max(items.Count, 1);
        for (var start = 0; start < items.Count; start += size)
        {
            var range = items.GetRange(start, Math.Min(size, items.Count - start));
            var bytes = EncodeRange(range);
            ranges.Add((range[0].Key, SideDigest.Of(range), bytes, 0, bytes.Length));
        }
    }

    /// <summary>Deflate of the items (sorted), each key written as the bytes it shares with the key before it and the rest.</summary>
    private static byte[] EncodeRange(List<Item> sorted)
    {
        // Written to bytes first, then deflated in one call: a stream call per field costs more than the items themselves.
        var writer = new ByteWriter(sorted.Count * 32);
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

        using var output = new MemoryStream(writer.Length / 3 + 64);
        using (var deflate = new DeflateStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            deflate.Write(writer.Written);
        }

        return output.ToArray();
    }

    /// <summary>Reads a stored side: its range table (format 4), or all its items (an older format, read whole).</summary>
    public static ListedSide Read(byte[] value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 0 || value[0] is not (Version or VersionWhole or VersionWithoutHeader or VersionWithoutNanos) || (value[0] >= VersionWhole && value.Length < HeaderLength))
        {
            throw new InvalidDataException($"a stored listing has format {(value.Length == 0 ? "(empty)" : value[0])}, not {Version}; run the target once with --resync");
        }

        if (value[0] != Version)
        {
            var start = value[0] == VersionWhole ? HeaderLength : 1;
            var data = Inflate(value, start, value.Length - start);
            var reader = new SpanReader(data);
            return ListedSide.Of(DecodeItems(ref reader, reader.Int()));
        }

        var ranges = ReadRanges(value) ?? throw new InvalidDataException("a stored listing is damaged (its ranges do not add up); run the target once with --resync");
        var header = ReadHeader(value)!.Value;
        return ListedSide.Of(value, ranges, header.Digest, header.InSync);
    }

    /// <summary>The range table of a format 4 value; null when it does not describe the value.</summary>
    private static ListedSide.Range[]? ReadRanges(byte[] value)
    {
        try
        {
            var table = new SpanReader(value.AsSpan(HeaderLength));
            var count = table.Int();
            if (count < 0 || count > value.Length)
            {
                return null;
            }

            var ranges = new ListedSide.Range[count];
            for (var i = 0; i < ranges.Length; i++)
            {
                ranges[i] = new ListedSide.Range(table.String(), new SideDigest(table.UInt64(), table.UInt64(), table.Int()), 0, table.Int());
            }

            var offset = HeaderLength + table.Position;
            for (var i = 0; i < ranges.Length; i++)
            {
                ranges[i] = ranges[i] with { Offset = offset };
                offset += ranges[i].Length;
            }

            return offset == value.Length ? ranges : null;
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or IndexOutOfRangeException or OverflowException or InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>The items of one range of a format 4 value.</summary>
    internal static Dictionary<string, Item> DecodeRange(byte[] value, ListedSide.Range range)
    {
        var data = Inflate(value, range.Offset, range.Length);
        var reader = new SpanReader(data);
        return DecodeItems(ref reader, range.Digest.Count);
    }

    private static Dictionary<string, Item> DecodeItems(ref SpanReader reader, int count)
    {
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
        if (value.Length < HeaderLength || value[0] is not (Version or VersionWhole))
        {
            return null;
        }

        var digest = new SideDigest(
            BinaryPrimitives.ReadUInt64LittleEndian(value[1..]),
            BinaryPrimitives.ReadUInt64LittleEndian(value[9..]),
            BinaryPrimitives.ReadInt32LittleEndian(value[17..]));
        return (digest, (value[21] & InSyncFlag) != 0);
    }

    private static byte[] Inflate(byte[] value, int start, int length)
    {
        using var deflate = new DeflateStream(new MemoryStream(value, start, length), CompressionMode.Decompress);
        using var inflated = new MemoryStream(length * 4);
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

        public void UInt64(ulong value)
        {
            Room(8);
            BinaryPrimitives.WriteUInt64LittleEndian(_buffer.AsSpan(Length), value);
            Length += 8;
        }

        public void Int32(int value)
        {
            Room(4);
            BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(Length), value);
            Length += 4;
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

        public readonly int Position => _at;

        public int Byte() => _data[_at++];

        public ulong UInt64()
        {
            var value = BinaryPrimitives.ReadUInt64LittleEndian(_data[_at..]);
            _at += 8;
            return value;
        }

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
