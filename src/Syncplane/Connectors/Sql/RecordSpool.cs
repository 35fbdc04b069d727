namespace Syncplane.Connectors.Sql;

/// <summary>
/// The run's records sorted by key without holding them all: records gather in memory up to <c>runLength</c>,
/// are sorted and written to a temporary file (a sorted run), and <see cref="ReadSorted"/> merges the runs.
/// Memory holds one run's records and a read buffer per run, whatever the number of records.
/// </summary>
internal sealed class RecordSpool(string directory, int runLength = RecordSpool.RunLength) : IAsyncDisposable
{
    /// <summary>Records sorted in memory per run (about 25 MB of typical metric records).</summary>
    internal const int RunLength = 50_000;

    private readonly List<SpooledRecord> _buffer = [];
    private readonly List<FileStream> _runs = [];

    public long Count { get; private set; }

    public void Add(SpooledRecord record)
    {
        _buffer.Add(record);
        Count++;
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
            _buffer.Sort(SpooledRecord.Compare);
            return _buffer;
        }

        WriteRun();
        return Merge();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var run in _runs)
        {
            await run.DisposeAsync();
        }
    }

    private void WriteRun()
    {
        if (_buffer.Count == 0)
        {
            return;
        }

        _buffer.Sort(SpooledRecord.Compare);
        var file = SpoolValues.CreateTemporary(directory, "sql-records");
        _runs.Add(file);
        using (var writer = new BinaryWriter(file, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(_buffer.Count);
            foreach (var record in _buffer)
            {
                SpoolValues.WriteKey(writer, record.Key);
                writer.Write(record.Hash);
                writer.Write(record.Sequence);
                writer.Write(record.Where);
                writer.Write(record.Json.Length);
                writer.Write(record.Json);
            }
        }

        _buffer.Clear();
    }

    private IEnumerable<SpooledRecord> Merge()
    {
        var readers = new List<(BinaryReader Reader, int Left)>();
        var heap = new PriorityQueue<int, SpooledRecord>(Comparer<SpooledRecord>.Create(SpooledRecord.Compare));
        try
        {
            foreach (var file in _runs)
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
            if (left == 0)
            {
                return;
            }

            readers[run] = (reader, left - 1);
            var key = SpoolValues.ReadKey(reader);
            var hash = reader.ReadInt64();
            var sequence = reader.ReadInt64();
            var where = reader.ReadString();
            var json = reader.ReadBytes(reader.ReadInt32());
            heap.Enqueue(run, new SpooledRecord(key, hash, json, where, sequence));
        }
    }
}
