namespace Syncplane.Connectors.Sql;

/// <summary>
/// Keys in the order added, kept in a temporary file (deleted when closed): the keys of the records merged as they
/// arrived, read back only when the records stop arriving in key order (see <see cref="SqlRecordRun"/>).
/// </summary>
internal sealed class KeySpool(string directory) : IAsyncDisposable
{
    private FileStream? _file;
    private BinaryWriter? _writer;

    public long Count { get; private set; }

    public void Add(object?[] key)
    {
        if (_writer is null)
        {
            _file = SpoolValues.CreateTemporary(directory, "sql-keys");
            _writer = new BinaryWriter(_file);
        }

        SpoolValues.WriteKey(_writer, key);
        Count++;
    }

    /// <summary>Every key in the order added; call once, after the last <see cref="Add"/>.</summary>
    public IEnumerable<object?[]> ReadAll()
    {
        if (_writer is null)
        {
            yield break;
        }

        _writer.Flush();
        _file!.Position = 0;
        using var reader = new BinaryReader(_file, System.Text.Encoding.UTF8, leaveOpen: true);
        for (var i = 0L; i < Count; i++)
        {
            yield return SpoolValues.ReadKey(reader);
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
