using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Syncplane.Connectors.Http;

namespace Syncplane.Connectors.Sql;

/// <summary>
/// Field values in the one form both sides are compared in: text as <see cref="string"/>, numbers as <see cref="decimal"/>
/// (or <see cref="double"/> and <see cref="long"/> as SQLite returns them), <see cref="bool"/>, <see cref="DateOnly"/>,
/// <see cref="DateTimeOffset"/> (UTC), JSON as canonical compact text; null for SQL NULL.
/// </summary>
internal static class FieldValues
{
    /// <summary>The kind a new column gets from a field's first non-null value; null for a null value.</summary>
    public static ColumnKind? Infer(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => ColumnKind.Text,
        JsonValueKind.Number => ColumnKind.Numeric,
        JsonValueKind.True or JsonValueKind.False => ColumnKind.Boolean,
        JsonValueKind.Object or JsonValueKind.Array => ColumnKind.Json,
        _ => null,
    };

    /// <summary>A record's value for a column of <paramref name="kind"/>.</summary>
    /// <exception cref="InvalidDataException">The value does not fit the column; the message names the record, the field and the table.</exception>
    public static object? FromJson(JsonElement value, ColumnKind kind, string field, string where, string table) =>
        TryFromJson(value, kind, out var converted) ? converted : throw Mismatch(value, kind, field, where, table);

    /// <summary>A record's value for a column of <paramref name="kind"/>; false when it does not fit the column.</summary>
    public static bool TryFromJson(JsonElement value, ColumnKind kind, out object? converted)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            converted = null;
            return true;
        }

        if (kind is ColumnKind.Numeric or ColumnKind.Integer)
        {
            converted = Number(value, kind);
            return converted is not null;
        }

        var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : null;
        converted = kind switch
        {
            ColumnKind.Text => text,
            ColumnKind.Boolean => value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : null,
            ColumnKind.Date => text is not null && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null,
            ColumnKind.Timestamp => text is not null && TryParseInstant(text, out var instant) ? instant : null,
            _ => value.ValueKind is JsonValueKind.Object or JsonValueKind.Array ? Canonical(value) : null,
        };
        return converted is not null;
    }

    public static InvalidDataException Mismatch(JsonElement value, ColumnKind kind, string field, string where, string table) => new(
        $"{where}: field '{field}' is {Describe(value)}, but column {field} of {table} holds {Name(kind)}; a field keeps its type from run to run");

    /// <summary>A value read from the database, in the form <see cref="FromJson"/> gives.</summary>
    public static object? FromDatabase(object? value, ColumnKind kind) => value switch
    {
        null or DBNull => null,
        string s when kind is ColumnKind.Numeric or ColumnKind.Integer => decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : s,
        string s when kind == ColumnKind.Date => DateOnly.TryParse(s, CultureInfo.InvariantCulture, out var d) ? d : s,
        string s when kind == ColumnKind.Timestamp => TryParseInstant(s, out var t) ? t : s,
        string s when kind == ColumnKind.Json => CanonicalText(s),
        string s => s,
        long l when kind == ColumnKind.Boolean => l != 0,
        long l => (decimal)l,
        int i => (decimal)i,
        short i => (decimal)i,
        float f => (double)f,
        DateTime d when kind == ColumnKind.Date => DateOnly.FromDateTime(d),
        DateTime d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)),
        DateTimeOffset d => d.ToUniversalTime(),
        _ => value,
    };

    /// <summary>True when two values (from <see cref="FromJson"/> or <see cref="FromDatabase"/>) are the same; numbers compare by value.</summary>
    public static bool Same(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (null, _) or (_, null) => false,
        (decimal x, decimal y) => x == y,
        (double x, decimal y) => x == (double)y,
        (decimal x, double y) => (double)x == y,
        (DateTimeOffset x, DateTimeOffset y) => x.UtcTicks == y.UtcTicks,
        _ => a.Equals(b),
    };

    /// <summary>The value as a JSON literal for plans: <c>12.5</c>, <c>"text"</c>, <c>true</c>, <c>null</c>.</summary>
    public static string Literal(object? value) => value switch
    {
        null => "null",
        decimal d => Normalize(d).ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        DateOnly d => Quote(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        DateTimeOffset t => Quote(Instant(t)),
        string s when s.Length > 0 && s[0] is '{' or '[' => s,
        _ => Quote(Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""),
    };

    /// <summary>The key text of a value: what key values are joined with '/' to name a row in plans and messages.</summary>
    public static string KeyText(object? value) => value switch
    {
        decimal d => Normalize(d).ToString(CultureInfo.InvariantCulture),
        double d => Normalize((decimal)d).ToString(CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTimeOffset t => Instant(t),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>An instant as stored in SQLite text columns: ISO 8601 in UTC with 7 decimals, so text order is time order.</summary>
    public static string Instant(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>1.50 → 1.5: trailing zeros removed, so equal numbers have one text.</summary>
    public static decimal Normalize(decimal value) => value / 1.0000000000000000000000000000m;

    // Strings holding numbers ("1230000") are parsed from their UTF-8 bytes; only one with escapes is decoded first.
    private static decimal? Number(JsonElement value, ColumnKind kind)
    {
        decimal number;
        if (value.ValueKind == JsonValueKind.Number)
        {
            if (!value.TryGetDecimal(out number))
            {
                return null;
            }
        }
        else if (value.ValueKind != JsonValueKind.String)
        {
            return null;
        }
        else
        {
            var raw = JsonMarshal.GetRawUtf8Value(value)[1..^1];
            var parsed = raw.IndexOf((byte)'\\') < 0
                ? decimal.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out number)
                : decimal.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out number);
            if (!parsed)
            {
                return null;
            }
        }

        return kind == ColumnKind.Integer && number != decimal.Truncate(number) ? null : number;
    }

    private static bool TryParseInstant(string text, out DateTimeOffset instant)
    {
        // Graph-style offsets without a colon (+0000) as well as ISO 8601's +00:00 and Z.
        if (text.Length > 5 && text[^5] is '+' or '-' && text[^4..].All(char.IsAsciiDigit))
        {
            text = text[..^2] + ":" + text[^2..];
        }

        var ok = DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out instant);
        instant = instant.ToUniversalTime();
        return ok;
    }

    private static string Canonical(JsonElement value)
    {
        var bytes = RecordItems.Canonical(value);
        return Encoding.UTF8.GetString(bytes, 0, bytes.Length - 1);
    }

    private static string CanonicalText(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return Canonical(document.RootElement);
        }
        catch (JsonException)
        {
            return json;
        }
    }

    private static string Quote(string text) => JsonSerializer.Serialize(text);

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"text ({Quote(Shorten(value.GetString()!))})",
        JsonValueKind.Number => $"a number ({value.GetRawText()})",
        JsonValueKind.True or JsonValueKind.False => $"a boolean ({value.GetRawText()})",
        JsonValueKind.Object => "an object",
        _ => "an array",
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static string Name(ColumnKind kind) => kind switch
    {
        ColumnKind.Text => "text",
        ColumnKind.Numeric => "numbers",
        ColumnKind.Integer => "whole numbers",
        ColumnKind.Boolean => "booleans",
        ColumnKind.Date => "dates (yyyy-MM-dd)",
        ColumnKind.Timestamp => "timestamps with an offset",
        _ => "JSON objects and arrays",
    };
}
