namespace Syncplane.Connectors.Sql;

/// <summary>
/// The rows a run will write, kept in a temporary file (deleted when closed) between comparing and writing: comparing
/// writes nothing, so a run that fails half-way (a page that fails) or that a gate refuses leaves no trace in the
/// database, not even dead tuples; and memory does not grow with the number of changes. A row is kept as its key and
/// its record's JSON, converted again when it is written.
/// </summary>
internal sealed class ChangeSpool(string directory) : IAsyncDisposable
{
    private FileStream? _file;
    private BinaryWriter? _writer;

    public int Count { get; private set; }

    /// <param name="kind">What the change does.</param>
    /// <param name="key">The row's key values.</param>
    /// <param name="hash">The record's <see cref="RowHash"/>, written with the row.</param>
    /// <param name="json">The record (UTF-8 JSON) for inserts and updates; empty for deletes.</param>
    public void Add(SqlChange kind, object?[] key, long hash, ReadOnlySpan<byte> json)
    {
        if (_writer is null)
        {
            _file = SpoolValues.CreateTemporary(directory, "sql-changes");
            _writer = new BinaryWriter(_file);
        }

        _writer.Write((byte)kind);
        SpoolValues.WriteKey(_writer, key);
        _writer.Write(hash);
        _writer.Write(json.Length);
        _writer.Write(json);
        Count++;
    }

    /// <summary>Every change in the order added.</summary>
    public IEnumerable<(SqlChange Kind, object?[] Key, long Hash, byte[] Json)> ReadAll()
    {
        if (_writer is null)
        {
            yield break;
        }

        _writer.Flush();
        _file!.Position = 0;
        using var reader = new BinaryReader(_file, System.Text.Encoding.UTF8, leaveOpen: true);
        for (var i = 0; i < Count; i++)
        {
            var kind = (SqlChange)reader.ReadByte();
            var key = SpoolValues.ReadKey(reader);
            var hash = reader.ReadInt64();
            yield return (kind, key, hash, reader.ReadBytes(reader.ReadInt32()));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_file is not null)
        {
            await _file.DisposeAsync();
        }
    }
}

/// <summary>What a spooled change does to its row.</summary>
internal enum SqlChange : byte
{
    Insert,
    Update,
    Delete,
}
