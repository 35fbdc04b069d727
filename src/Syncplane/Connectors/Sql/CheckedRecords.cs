using System.Buffers;

namespace Syncplane.Connectors.Sql;

/// <summary>
/// Records checked and hashed, handed from the thread that reads and checks them to the one that merges them with the table
/// (see <see cref="SqlRecordRun"/>): each record's key, hash and where it came from, and a copy of its JSON (its page is
/// released once the source moves on), in two arrays rented from <see cref="ArrayPool{T}.Shared"/> for the batch.
/// </summary>
internal sealed class CheckedRecords : IDisposable
{
    /// <summary>Records a batch holds.</summary>
    public const int Capacity = 1000;

    private (object?[] Key, long Hash, string Origin, int Index, int Start, int Length)[] _records =
        ArrayPool<(object?[] Key, long Hash, string Origin, int Index, int Start, int Length)>.Shared.Rent(Capacity);

    private byte[] _json = ArrayPool<byte>.Shared.Rent(1 << 17);
    private int _used;

    public int Count { get; private set; }

    public bool Full => Count == Capacity;

    public object?[] Key(int i) => _records[i].Key;

    public long Hash(int i) => _records[i].Hash;

    /// <summary>The page the record came from, or its whole description when <see cref="Index"/> is 0 (see <see cref="SourceRecord"/>).</summary>
    public string Origin(int i) => _records[i].Origin;

    public int Index(int i) => _records[i].Index;

    public string Where(int i) => Index(i) == 0 ? Origin(i) : SourceRecord.Of(Origin(i), Index(i));

    public ReadOnlySpan<byte> Json(int i) => _json.AsSpan(_records[i].Start, _records[i].Length);

    public void Add(object?[] key, long hash, in SourceRecord record, ReadOnlySpan<byte> json)
    {
        if (_used + json.Length > _json.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_json.Length * 2, _used + json.Length));
            _json.AsSpan(0, _used).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_json);
            _json = larger;
        }

        json.CopyTo(_json.AsSpan(_used));
        _records[Count++] = (key, hash, record.Page ?? record.Where, record.Page is null ? 0 : record.Index, _used, json.Length);
        _used += json.Length;
    }

    public void Dispose()
    {
        if (_json.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_json);
            _json = [];
            ArrayPool<(object?[] Key, long Hash, string Origin, int Index, int Start, int Length)>.Shared.Return(_records, clearArray: true);
            _records = [];
        }
    }
}
