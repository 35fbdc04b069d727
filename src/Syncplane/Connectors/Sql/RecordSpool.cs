namespace Syncplane.Connectors.Sql;

/// <summary>
/// The run's records sorted by key without holding them all: records gather in memory (their JSON in one buffer) up to
/// <c>runLength</c>, are sorted and written to a temporary file (a sorted run), and <see cref="ReadSorted"/> merges the runs.
/// Memory holds one run's records and a read buffer per run, whatever the number of records.
/// </summary>
/// <remarks>
/// Upstreams usually send records in key order already: a run that arrived sorted is not sorted again, and runs that
/// follow one another without overlapping are read one after the other rather than merged through a heap.
/// </remarks>
internal sealed class RecordSpool(string directory, int runLength = RecordSpool.RunLength) : IAsyncDisposable
{
    /// <summary>Records sorted in memory per run (about 10 MB of typical metric records).</summary>
    internal const int RunLength = 50_000;

    private readonly List<Entry> _buffer = [];
    private readonly List<(FileStream File, object?[] First, object?[] Last)> _runs = [];
    private byte[] _json = new byte[1 << 16];
    private int _used;
    private bool _sorted = true;

    public long Count { get; private set; }

    /// <summary>Keeps a record; <paramref name="json"/> is copied.</summary>
    public void Add(object?[] key, long hash, ReadOnlySpan<byte> json, int page, int index)
    {
        if (_sorted && _buffer.Count > 0 && KeyOrder.Compare(_buffer[^1].Key, key) > 0)
        {
            _sorted = false;
        }

        if (_used + json.Length > _json.Length)
        {
            Array.Resize(ref _json, Math.Max(_json.Length * 2, _used + json.Length));
        }

        json.CopyTo(_json.AsSpan(_used));
        _buffer.Add(new Entry(key, hash, Count++, page, index, _used, json.Length));
        _used += json.Length;
        if (_buffer.Count == runLength)
        {
            WriteRun();
        }
    }

    /// <summary>Every record by key, then in source order; call once, after the last <see cref="Add"/>.</summary>
    public IEnumerable<SpooledRecord> ReadSorted()
    {
        if (_runs.Count == 0)
        {
            Sort();
            return _buffer.Select(e => new SpooledRecord(e.Key, e.Hash, _json.AsMemory(e.Offset, e.Length), e.Page, e.Index, e.Sequence));
        }

        WriteRun();
        for (var i = 1; i < _runs.Count; i++)
        {
            if (KeyOrder.Compare(_runs[i - 1].Last, _runs[i].First) > 0)
            {
                return Merge();
            }
        }

        return _runs.SelectMany(run => ReadRun(run.File));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var run in _runs)
        {
            await run.File.DisposeAsync();
        }
    }

    private void Sort()
    {
        if (!_sorted)
        {
            _buffer.Sort(static (a, b) =>
            {
                var order = KeyOrder.Compare(a.Key, b.Key);
                return order != 0 ? order : a.Sequence.CompareTo(b.Sequence);
            });
        }
    }

    private void WriteRun()
    {
        if (_buffer.Count == 0)
        {
            return;
        }

        Sort();
        var file = SpoolValues.CreateTemporary(directory, "sql-records");
        _runs.Add((file, _buffer[0].Key, _buffer[^1].Key));
        using (var writer = new BinaryWriter(file, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(_buffer.Count);
            foreach (var record in _buffer)
            {
                SpoolValues.WriteKey(writer, record.Key);
                writer.Write(record.Hash);
                writer.Write(record.Sequence);
                writer.Write(record.Page);
                writer.Write(record.Index);
                writer.Write(record.Length);
                writer.Write(_json, record.Offset, record.Length);
            }
        }

        _buffer.Clear();
        _used = 0;
        _sorted = true;
    }

    private static IEnumerable<SpooledRecord> ReadRun(FileStream file)
    {
        file.Position = 0;
        using var reader = new BinaryReader(file, System.Text.Encoding.UTF8, leaveOpen: true);
        for (var left = reader.ReadInt32(); left > 0; left--)
        {
            yield return Read(reader);
        }
    }

    private static SpooledRecord Read(BinaryReader reader)
    {
        var key = SpoolValues.ReadKey(reader);
        var hash = reader.ReadInt64();
        var sequence = reader.ReadInt64();
        var page = reader.ReadInt32();
        var index = reader.ReadInt32();
        var json = reader.ReadBytes(reader.ReadInt32());
        return new SpooledRecord(key, hash, json, page, index, sequence);
    }

    private IEnumerable<SpooledRecord> Merge()
    {
        var readers = new List<(BinaryReader Reader, int Left)>();
        var heap = new PriorityQueue<int, SpooledRecord>(Comparer<SpooledRecord>.Create(static (a, b) =>
        {
            var order = KeyOrder.Compare(a.Key, b.Key);
            return order != 0 ? order : a.Sequence.CompareTo(b.Sequence);
        }));
        try
        {
            foreach (var (file, _, _) in _runs)
            {
                file.Position = 0;
                var reader = new BinaryReader(file, System.Text.Encoding.UTF8, leaveOpen: true);
                readers.Add((reader, reader.ReadInt32()));
                Next(readers.Count - 1);
            }

            while (heap.TryDequeue(out var run, out var record))
            {
                yield return record;
                Next(run);
            }
        }
        finally
        {
            foreach (var (reader, _) in readers)
            {
                reader.Dispose();
            }
        }

        void Next(int run)
        {
            var (reader, left) = readers[run];
            if (left > 0)
            {
                readers[run] = (reader, left - 1);
                heap.Enqueue(run, Read(reader));
            }
        }
    }

    /// <summary>A record held in memory: its JSON is <c>Length</c> bytes at <c>Offset</c> of the run's buffer.</summary>
    private readonly record struct Entry(object?[] Key, long Hash, long Sequence, int Page, int Index, int Offset, int Length);
}
