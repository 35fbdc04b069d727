using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Syncplane.Scheduling;

/// <summary>Checks one cron field against crontab's grammar and returns the bit set of the values it allows.</summary>
/// <remarks>
/// <para>Items are comma-separated: <c>*</c>, <c>N</c>, <c>A-B</c>, each optionally followed by
/// <c>/STEP</c>; <c>N/STEP</c> means <c>N-max/STEP</c>. Names (JAN–DEC, SUN–SAT) are accepted
/// wherever numbers are, in any case.</para>
/// <para>Cronos computes the occurrences, but this check stays ours: Cronos accepts more than crontab
/// does (reversed ranges such as <c>17-9</c>, which are more often a typo than a wrap past midnight,
/// steps wider than the field, <c>L</c>, <c>W</c>, <c>#</c>, <c>?</c>, <c>H</c>), so an expression that
/// passes here means the same in a crontab; and its errors do not say which field and value are wrong.</para>
/// </remarks>
internal static class CronParser
{
    public static bool TryParseField(CronField field, string text, out ulong bits, [NotNullWhen(false)] out string? error)
    {
        bits = 0;
        error = null;
        foreach (var item in text.Split(','))
        {
            if (item.Length == 0)
            {
                error = $"{field.Where}: empty item in the list '{text}'";
                return false;
            }

            if (!TryParseItem(field, item, ref bits, out error))
            {
                error = $"{field.Where}: {error}";
                return false;
            }
        }

        return true;
    }

    private static bool TryParseItem(CronField field, string item, ref ulong bits, out string? error)
    {
        var slash = item.IndexOf('/', StringComparison.Ordinal);
        var range = slash < 0 ? item : item[..slash];
        var step = 1;
        if (slash >= 0)
        {
            var stepText = item[(slash + 1)..];
            if (!int.TryParse(stepText, NumberStyles.None, CultureInfo.InvariantCulture, out step) || step < 1)
            {
                error = $"step '{stepText}' in '{item}' is not a whole number of at least 1";
                return false;
            }

            if (step > field.Max - field.Min)
            {
                error = $"step {step} in '{item}' is larger than the field's range {field.Min}-{field.Max}" +
                    (field == CronField.Minute || field == CronField.Hour ? "; for intervals like 90 minutes use 'every 90m'" : string.Empty);
                return false;
            }
        }

        int low, high;
        var dash = range.IndexOf('-', StringComparison.Ordinal);
        if (range == "*")
        {
            (low, high) = (field.Min, field.Max);
        }
        else if (dash >= 0)
        {
            if (!TryParseValue(field, range[..dash], out low, out error) || !TryParseValue(field, range[(dash + 1)..], out high, out error))
            {
                return false;
            }

            if (low > high)
            {
                error = $"range '{range}' runs backwards; write the smaller value first";
                return false;
            }
        }
        else
        {
            if (!TryParseValue(field, range, out low, out error))
            {
                return false;
            }

            high = slash >= 0 ? field.Max : low;
        }

        for (var value = low; value <= high; value += step)
        {
            bits |= 1UL << value;
        }

        error = null;
        return true;
    }

    private static bool TryParseValue(CronField field, string text, out int value, out string? error)
    {
        error = null;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value))
        {
            if (value < field.Min || value > field.Max)
            {
                error = $"{value} is out of range {field.Min}-{field.Max}";
                return false;
            }

            return true;
        }

        value = field.ValueOfName(text);
        if (value >= 0)
        {
            return true;
        }

        error = field.Names is null
            ? $"'{text}' is not a number"
            : $"'{text}' is not a number or a name ({field.Names[0]}-{field.Names[^1]})";
        return false;
    }
}
