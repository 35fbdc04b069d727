using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using Syncplane.Planning;

namespace Syncplane.Connectors.Http;

/// <summary>How a JSON record becomes an item: its key, its canonical content, and a modification time.</summary>
internal static class RecordItems
{
    /// <summary>Base of the modification times given to records (see <see cref="ItemFor"/>).</summary>
    private static readonly DateTimeOffset Epoch = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    /// <summary>The item key: the values of the <paramref name="fields"/>, joined with '/', plus <c>.json</c>.</summary>
    /// <param name="record">The record.</param>
    /// <param name="fields">The key fields, from the <c>key</c> option: names, or dotted paths into nested objects (<c>campaign.id</c>).</param>
    /// <param name="where">Which record this is, for error messages ("record 3 of page 2").</param>
    /// <exception cref="InvalidDataException">The record is not an object, or a key field is missing or cannot be a path segment.</exception>
    public static string KeyOf(JsonElement record, IReadOnlyList<string> fields, string where)
    {
        if (record.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{where} is {record.ValueKind.ToString().ToLowerInvariant()}, not an object with the key fields {string.Join(", ", fields)}");
        }

        var parts = new string[fields.Count];
        for (var i = 0; i < fields.Count; i++)
        {
            // A field named with a dot is taken as written first; otherwise the dots step into nested objects (campaign.id).
            if (!record.TryGetProperty(fields[i], out var value) && !(fields[i].Contains('.', StringComparison.Ordinal) && Checks.JsonPath.TryFind(record, fields[i], out value)))
            {
                throw new InvalidDataException($"{where} has no field '{fields[i]}', which 'key' names");
            }

            var text = value.ValueKind switch
            {
                JsonValueKind.String => value.GetString()!,
                JsonValueKind.Number => CanonicalNumber.Of(value.GetRawText()),
                JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
                _ => throw new InvalidDataException($"{where}: key field '{fields[i]}' is {value.ValueKind.ToString().ToLowerInvariant()}; it must be a string, number or boolean"),
            };
            if (text.Length == 0 || text is "." or ".." || text.Any(c => c is '/' or '\\' || char.IsControl(c)))
            {
                throw new InvalidDataException($"{where}: key field '{fields[i]}' is '{text}', which cannot name a file (empty, '.', '..', or containing '/', '\\' or control characters)");
            }

            parts[i] = text;
        }

        return string.Join('/', parts) + ".json";
    }

    /// <summary>The record as canonical compact JSON: properties sorted by name (ordinal), numbers in one form per value (see <see cref="CanonicalNumber"/>), one trailing newline.</summary>
    /// <remarks>
    /// Sorting and number forms make the content independent of how the upstream happens to write a record, so an unchanged
    /// record stays byte-identical. Strings are kept as sent, even when they hold a number ("1230000"): "007" is not "7".
    /// </remarks>
    public static byte[] Canonical(JsonElement record)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Compact))
        {
            Write(writer, record);
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    /// <summary>The item for a record's content.</summary>
    /// <remarks>
    /// A record has no modification time of its own, and the directory destination compares files by size and
    /// time before it reads them. The time is therefore a function of the content: 2000-01-01 plus the first 40
    /// bits of the SHA-256 as microseconds. An unchanged record keeps its time and is skipped without being read;
    /// a changed one of the same size gets another time (all but certainly), so the destination compares the
    /// hashes and rewrites it. Whole microseconds survive every common file system.
    /// </remarks>
    public static Item ItemFor(string key, byte[] content)
    {
        var hash = SHA256.HashData(content);
        var micros = (long)(BinaryPrimitives.ReadUInt64BigEndian(hash) >> 24);
        var mtime = Epoch.AddTicks(micros * TimeSpan.TicksPerMicrosecond);
        return new Item(key, ItemKind.File, content.Length, mtime.UtcTicks, Hash: Convert.ToHexStringLower(hash));
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.Number:
                writer.WriteRawValue(CanonicalNumber.Of(element.GetRawText()), skipInputValidation: true);
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
