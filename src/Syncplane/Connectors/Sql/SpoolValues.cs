namespace Syncplane.Connectors.Sql;

/// <summary>How the spools write a field value (see <see cref="FieldValues"/>) to their temporary files and read it back.</summary>
internal static class SpoolValues
{
    public static void Write(BinaryWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.Write((byte)0);
                break;
            case string s:
                writer.Write((byte)1);
                writer.Write(s);
                break;
            case decimal d:
                writer.Write((byte)2);
                writer.Write(d);
                break;
            case double d:
                writer.Write((byte)3);
                writer.Write(d);
                break;
            case bool b:
                writer.Write((byte)4);
                writer.Write(b);
                break;
            case DateOnly d:
                writer.Write((byte)5);
                writer.Write(d.DayNumber);
                break;
            case DateTimeOffset t:
                writer.Write((byte)6);
                writer.Write(t.UtcTicks);
                break;
            default:
                throw new InvalidOperationException($"no spool form for {value.GetType()}");
        }
    }

    public static object? Read(BinaryReader reader) => reader.ReadByte() switch
    {
        0 => null,
        1 => reader.ReadString(),
        2 => reader.ReadDecimal(),
        3 => reader.ReadDouble(),
        4 => reader.ReadBoolean(),
        5 => DateOnly.FromDayNumber(reader.ReadInt32()),
        _ => new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero),
    };

    public static void WriteKey(BinaryWriter writer, object?[] key)
    {
        writer.Write((byte)key.Length);
        foreach (var value in key)
        {
            Write(writer, value);
        }
    }

    public static object?[] ReadKey(BinaryReader reader)
    {
        var key = new object?[reader.ReadByte()];
        for (var i = 0; i < key.Length; i++)
        {
            key[i] = Read(reader);
        }

        return key;
    }

    /// <summary>A temporary file in <paramref name="directory"/>, deleted when closed.</summary>
    public static FileStream CreateTemporary(string directory, string prefix)
    {
        System.IO.Directory.CreateDirectory(directory);
        return new FileStream(Path.Combine(directory, $"{prefix}-{Guid.NewGuid():n}.tmp"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
    }
}
