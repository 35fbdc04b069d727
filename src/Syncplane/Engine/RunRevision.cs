using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Syncplane.Connectors.Command;
using Syncplane.Planning;
using Syncplane.Planning.TwoWay;

namespace Syncplane.Engine;

/// <summary>
/// The revision of a successful run, so every target has one for notifiers (<c>{revision}</c>): the git source's
/// commit SHA; else the commit the git_commit step made; else a SHA-256 over what was synced, the same from run to
/// run while nothing changes.
/// </summary>
internal static class RunRevision
{
    /// <summary>
    /// For a one-way target: over the source snapshot's keys, kinds, sizes, modification times, modes,
    /// hashes and link targets, which is what the planner compares.
    /// </summary>
    public static string Of(Snapshot source, string? commit)
    {
        if ((source.Revision ?? commit) is { } known)
        {
            return known;
        }

        // The UTF-8 of "key\0kind\0size\0mtime\0mode\0hash\0link\n" per item in key order, hashed as it is written:
        // the value of the one string it once built, without holding a whole tree's text (megabytes) at once.
        var items = source.Items.Values.ToArray();
        Array.Sort(items, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var text = new HashedText(sha);
        foreach (var item in items)
        {
            text.Text(item.Key).Zero().Text(KindNames[(int)item.Kind]).Zero().Number(item.Size).Zero().Number(item.MtimeTicks).Zero()
                .Number(item.Mode).Zero().Text(item.Hash).Zero().Text(item.LinkTarget).End();
        }

        text.Flush();
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>
    /// For a bidirectional target: over the digests of both sides of the listing the run left (<see cref="ListingDigests"/>:
    /// every item's key, kind, size, mtime, mode and link target), so it names what both sides hold after the run, is
    /// the same from run to run while nothing changes, and costs nothing to compute (the digests are kept with the listing).
    /// </summary>
    public static string Of(ListingDigests listing, string? commit)
    {
        ArgumentNullException.ThrowIfNull(listing);
        if (commit is not null)
        {
            return commit;
        }

        Span<byte> digests = stackalloc byte[2 * 20];
        Write(listing.Source, digests);
        Write(listing.Destination, digests[20..]);
        return Convert.ToHexStringLower(SHA256.HashData(digests));

        static void Write(SideDigest digest, Span<byte> to)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(to, digest.Low);
            BinaryPrimitives.WriteUInt64LittleEndian(to[8..], digest.High);
            BinaryPrimitives.WriteInt32LittleEndian(to[16..], digest.Count);
        }
    }

    /// <summary>For an entrypoint target: over the names and content hashes of the files its <c>outputs</c> match.</summary>
    public static async Task<string> OfFilesAsync(string root, IReadOnlyList<Glob> outputs, CancellationToken cancellationToken)
    {
        var states = await OutputIndex.CaptureAsync(root, outputs, new Dictionary<string, OutputState>(), cancellationToken);
        return Hash(string.Concat(states.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}\0{s.Value.Hash}\n")));
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static readonly string[] KindNames = Enum.GetValues<ItemKind>().Select(k => k.ToString()).ToArray();

    /// <summary>A buffer of UTF-8 that feeds the hash whenever it fills.</summary>
    private sealed class HashedText(IncrementalHash sha) : IDisposable
    {
        // Rented: a server runs hundreds of runs a second, and a buffer of its own per run was most of what they allocated.
        private readonly byte[] _buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        private int _length;

        public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);

        public HashedText Text(string? text)
        {
            if (string.IsNullOrEmpty(text))
            {
                return this;
            }

            if (Encoding.UTF8.GetMaxByteCount(text.Length) > _buffer.Length - _length)
            {
                Flush();
                if (Encoding.UTF8.GetMaxByteCount(text.Length) > _buffer.Length)
                {
                    sha.AppendData(Encoding.UTF8.GetBytes(text));
                    return this;
                }
            }

            _length += Encoding.UTF8.GetBytes(text, _buffer.AsSpan(_length));
            return this;
        }

        public HashedText Number(long value)
        {
            if (_buffer.Length - _length < 20)
            {
                Flush();
            }

            value.TryFormat(_buffer.AsSpan(_length), out var written, default, CultureInfo.InvariantCulture);
            _length += written;
            return this;
        }

        public HashedText Zero() => Byte(0);

        public void End() => Byte((byte)'\n');

        public void Flush()
        {
            sha.AppendData(_buffer, 0, _length);
            _length = 0;
        }

        private HashedText Byte(byte value)
        {
            if (_length == _buffer.Length)
            {
                Flush();
            }

            _buffer[_length++] = value;
            return this;
        }
    }
}
