using System.Text;

namespace Syncplane.Connectors.Sql;

/// <summary>
/// The common field values read straight from a record's UTF-8 bytes, for hashing without converting them to objects:
/// plain decimal numbers (<c>-12.50</c>, <c>"1230000"</c>) and dates (<c>2026-11-01</c>). Each gives exactly what
/// <see cref="FieldValues.FromJson"/> would; anything else (exponents, more than 19 digits, escapes) answers false,
/// and the caller takes the general path.
/// </summary>
internal static class FieldBytes
{
    /// <summary>A number's digits and scale without trailing zeros (1.50 as 15 and 1; zero as 0 and 0).</summary>
    public static bool TryNumber(ReadOnlySpan<byte> text, out bool negative, out ulong mantissa, out int scale)
    {
        negative = text.Length > 0 && text[0] == '-';
        mantissa = 0;
        scale = 0;
        var i = negative ? 1 : 0;
        var digits = 0;
        var point = -1;
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '.' && point < 0 && digits > 0)
            {
                point = digits;
                continue;
            }

            if (!char.IsAsciiDigit((char)c) || ++digits > 19)
            {
                return false;
            }

            mantissa = (mantissa * 10) + (ulong)(c - '0');
        }

        if (digits == 0 || point == digits)
        {
            return false;
        }

        scale = point < 0 ? 0 : digits - point;
        while (scale > 0 && mantissa % 10 == 0)
        {
            mantissa /= 10;
            scale--;
        }

        if (mantissa == 0)
        {
            scale = 0;
        }

        return true;
    }

    /// <summary>A <c>yyyy-MM-dd</c> date as its <see cref="DateOnly.DayNumber"/>.</summary>
    public static bool TryDate(ReadOnlySpan<byte> text, out int dayNumber)
    {
        dayNumber = 0;
        if (text.Length != 10 || text[4] != '-' || text[7] != '-'
            || !TryDigits(text[..4], out var year) || !TryDigits(text.Slice(5, 2), out var month) || !TryDigits(text.Slice(8, 2), out var day)
            || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        dayNumber = new DateOnly(year, month, day).DayNumber;
        return true;
    }

    /// <summary>Text without escapes and all ASCII: its bytes are its chars.</summary>
    public static bool IsPlainAscii(ReadOnlySpan<byte> text) => text.IndexOf((byte)'\\') < 0 && Ascii.IsValid(text);

    private static bool TryDigits(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit((char)c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }
}
