using System.Globalization;

namespace Syncplane.Connectors.Http;

/// <summary>
/// A JSON number in one form per value, so a record whose numbers the upstream writes differently (<c>12.50</c> then
/// <c>12.5</c>, <c>2.0</c> then <c>2</c>, <c>1.5e3</c>) is still unchanged: plain decimal notation, no leading or trailing
/// zeros, no exponent, <c>0</c> for zero. Exact: the digits are moved, never rounded.
/// </summary>
internal static class CanonicalNumber
{
    /// <summary>Numbers whose point would move further than this keep the text they were sent as.</summary>
    private const int MaxShift = 64;

    /// <summary>The canonical text of <paramref name="raw"/>, a valid JSON number.</summary>
    public static string Of(string raw)
    {
        var negative = raw.StartsWith('-');
        var body = negative ? raw[1..] : raw;
        var e = body.IndexOfAny(['e', 'E']);
        var exponent = 0;
        if (e >= 0 && !int.TryParse(body[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent))
        {
            return raw;
        }

        var mantissa = e >= 0 ? body[..e] : body;
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = dot >= 0 ? mantissa.Remove(dot, 1) : mantissa;
        var point = (dot >= 0 ? dot : mantissa.Length) + (long)exponent; // digits before the decimal point
        var leading = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        point -= leading;
        if (digits.Length == 0)
        {
            return "0";
        }

        if (Math.Abs(point) > MaxShift)
        {
            return raw;
        }

        var text = point <= 0 ? "0." + new string('0', (int)-point) + digits
            : point >= digits.Length ? digits + new string('0', (int)point - digits.Length)
            : digits[..(int)point] + "." + digits[(int)point..];
        return negative ? "-" + text : text;
    }
}
