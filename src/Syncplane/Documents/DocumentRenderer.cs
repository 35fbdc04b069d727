using System.Text.Encodings.Web;
using System.Text.Json;
using Syncplane.Events;

namespace Syncplane.Documents;

/// <summary>
/// The document as served and written: <c>last_sync</c>, <c>updated_at</c>, <c>source_revision</c>, <c>counts</c>, then
/// one array per declared group (seed 001's infrastructure state: <c>projects</c>, <c>vpcs</c>, …), each sorted by key.
/// </summary>
internal static class DocumentRenderer
{
    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    public static byte[] Render(StoredDocument document, IReadOnlyList<DocumentRecord> records, IReadOnlyList<string> groups)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Compact))
        {
            writer.WriteStartObject();
            writer.WriteString("last_sync", UtcTimestamps.Text(document.SyncedAt));
            writer.WriteString("updated_at", UtcTimestamps.Text(document.UpdatedAt));
            writer.WriteString("source_revision", document.Revision);
            writer.WriteStartObject("counts");
            foreach (var group in groups)
            {
                writer.WriteNumber(group, document.Counts.GetValueOrDefault(group));
            }

            writer.WriteEndObject();
            var byGroup = records.ToLookup(r => r.Group, StringComparer.Ordinal);
            foreach (var group in groups)
            {
                writer.WriteStartArray(group);
                foreach (var record in byGroup[group])
                {
                    writer.WriteRawValue(record.Json, skipInputValidation: true);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Writes the document to <paramref name="path"/> atomically: a temporary file beside it, then a rename over it.</summary>
    public static async Task WriteFileAsync(string path, byte[] content, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        var temporary = Connectors.Directory.TempFiles.NewPath(directory);
        try
        {
            await File.WriteAllBytesAsync(temporary, content, cancellationToken);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
