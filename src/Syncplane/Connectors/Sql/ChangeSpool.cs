namespace Syncplane.Connectors.Sql;

/// <summary>
/// The rows a run will write, kept in a temporary file (deleted when closed) between comparing and writing: comparing
/// writes nothing, so a run that fails half-way (a page that fails) or that a gate refuses leaves no trace in the
/// database, not even dead tuples; and memory does not grow with the number of changes.
/// </summary>
internal sealed class ChangeSpool(string directory) : IAsyncDisposable
{
    private FileStream? _file;
    private BinaryWriter? _writer;

    public int Count { get; private set; }

    public void Add(SqlChange kind, SqlRow row)
    {
        if (_writer is null)
        {
            System.IO.Directory.CreateDirectory(directory);
            _file = new FileStream(Path.Combine(directory, $"sql-changes-{Guid.NewGuid():n}.tmp"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
            _writer = new BinaryWriter(_file);
        }

        _writer.Write((byte)kind);
        _writer.Write(row.KeyValues.Length);
        foreach (var value in row.KeyValues)
        {
            Write(value);
        }

        _writer.Write(row.Fields.Count);
        foreach (var (name, value) in row.Fields)
        {
            _writer.Write(name);
            Write(value);
        }

        Count++;
    }

    /// <summary>Every change in the order added.</summary>
    public IEnumerable<(SqlChange Kind, SqlRow Row)> ReadAll(StringComparer names)
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
            var key = new object?[reader.ReadInt32()];
            for (var k = 0; k < key.Length; k++)
            {
                key[k] = Read(reader);
            }

            var count = reader.ReadInt32();
            var fields = new Dictionary<string, object?>(count, names);
            for (var f = 0; f < count; f++)
            {
                fields[reader.ReadString()] = Read(reader);
            }

            yield return (kind, new SqlRow("", key, fields, ""));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_file is not null)
        {
            await _file.DisposeAsync();
        }
    }

    private void Write(object? value)
    {
        switch (value)
        {
            case null:
                _writer!.Write((byte)0);
                break;
            case string s:
                _writer!.Write((byte)1);
                _writer.Write(s);
                break;
            case decimal d:
                _writer!.Write((byte)2);
                _writer.Write(d);
                break;
            case double d:
                _writer!.Write((byte)3);
                _writer.Write(d);
                break;
            case bool b:
                _writer!.Write((byte)4);
                _writer.Write(b);
                break;
            case DateOnly d:
                _writer!.Write((byte)5);
                _writer.Write(d.DayNumber);
                break;
            case DateTimeOffset t:
                _writer!.Write((byte)6);
                _writer.Write(t.UtcTicks);
                break;
            default:
                throw new InvalidOperationException($"no spool form for {value.GetType()}");
        }
    }

    private static object? Read(BinaryReader reader) => reader.ReadByte() switch
    {
        0 => null,
        1 => reader.ReadString(),
        2 => reader.ReadDecimal(),
        3 => reader.ReadDouble(),
        4 => reader.ReadBoolean(),
        5 => DateOnly.FromDayNumber(reader.ReadInt32()),
        _ => new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero),
    };
}

/// <summary>What a spooled change does to its row.</summary>
internal enum SqlChange : byte
{
    Insert,
    Update,
    Delete,
}
