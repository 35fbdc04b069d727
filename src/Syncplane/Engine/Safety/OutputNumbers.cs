using System.Globalization;
using System.Text.RegularExpressions;

namespace Syncplane.Engine.Safety;

/// <summary>Reads the number a gate or verification command reports (its last number on stdout).</summary>
internal static partial class OutputNumbers
{
    /// <summary>
    /// The last decimal number in <paramref name="text"/> ("   123\n" → 123, "drift score: 0.5" → 0.5), or
    /// null when there is none. A '-' counts as a sign only at the start of a word, so "v1-2" reads 2.
    /// </summary>
    public static double? Last(string text)
    {
        var matches = NumberRegex().Matches(text);
        return matches.Count == 0
            ? null
            : double.Parse(matches[^1].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    /// <summary>Formats a number without a trailing ".0" for whole values.</summary>
    public static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"(?<![\w.])-?\d+(?:\.\d+)?|(?<=[\w.])\d+(?:\.\d+)?")]
    private static partial Regex NumberRegex();
}
