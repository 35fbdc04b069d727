using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Syncplane.Connectors.Http;

namespace Syncplane.Documents;

/// <summary>How a document holds a record: canonical compact JSON (sorted properties), so an unchanged record compares equal.</summary>
internal static class RecordJson
{
    public static string Canonical(JsonElement record) => Encoding.UTF8.GetString(RecordItems.Canonical(record)).TrimEnd('\n');

    public static string Hash(string json) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));

    /// <summary>A record's key: the values of its key fields joined with '/' (any text, unlike a file name).</summary>
    /// <exception cref="InvalidDataException">The record is not an object, or a key field is missing or not a string, number or boolean.</exception>
    public static string KeyOf(JsonElement record, IReadOnlyList<string> fields, string where)
    {
        if (record.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{where} is {record.ValueKind.ToString().ToLowerInvariant()}, not an object with the key fields {string.Join(", ", fields)}");
        }

        var parts = new string[fields.Count];
        for (var i = 0; i < fields.Count; i++)
        {
            if (!record.TryGetProperty(fields[i], out var value))
            {
                throw new InvalidDataException($"{where} has no field '{fields[i]}', which 'key' names");
            }

            parts[i] = value.ValueKind switch
            {
                JsonValueKind.String when value.GetString() is { Length: > 0 } text => text,
                JsonValueKind.Number => CanonicalNumber.Of(value.GetRawText()),
                JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
                _ => throw new InvalidDataException($"{where}: key field '{fields[i]}' is {Describe(value)}; it must be a non-empty string, a number or a boolean"),
            };
        }

        return string.Join('/', parts);
    }

    private static string Describe(JsonElement value) => value.ValueKind == JsonValueKind.String ? "empty" : value.ValueKind.ToString().ToLowerInvariant();
}
