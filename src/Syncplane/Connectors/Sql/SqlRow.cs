using System.Security.Cryptography;
using System.Text;

namespace Syncplane.Connectors.Sql;

/// <summary>A record ready to compare: its key (values, text for messages, hash for the run's set of keys) and its fields' values.</summary>
/// <param name="Key">The key values joined with '/' (<c>c42/2026-01-01</c>), as plans and messages name the row.</param>
/// <param name="KeyValues">The key columns' values, in key order.</param>
/// <param name="Fields">The record's other fields by column name, except nulls for columns the table does not have.</param>
/// <param name="Where">Which record this is ("record 3 of page 2 (URL)").</param>
internal sealed record SqlRow(string Key, object?[] KeyValues, Dictionary<string, object?> Fields, string Where)
{
    public UInt128 Hash { get; } = HashOf(KeyValues);

    /// <summary>
    /// 128 bits of the SHA-256 of the key values' texts: what the run keeps per record to find duplicates and, with
    /// <c>delete</c>, the rows the source no longer has. Equal keys (1.50 and 1.5) hash alike, from a record or from the table.
    /// </summary>
    public static UInt128 HashOf(object?[] keyValues)
    {
        var text = new StringBuilder();
        foreach (var value in keyValues)
        {
            var part = FieldValues.KeyText(value);
            text.Append(part.Length).Append(':').Append(part);
        }

        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()), hash);
        return new UInt128(BitConverter.ToUInt64(hash), BitConverter.ToUInt64(hash[8..]));
    }
}
