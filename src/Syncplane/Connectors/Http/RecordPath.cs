using System.Globalization;
using System.Text.Json;

namespace Syncplane.Connectors.Http;

/// <summary>
/// The <c>records</c> path: dotted field names down to the array of records (<c>data</c>, <c>result.rows</c>). A number
/// indexes an array; a field name that meets an array is taken from each of its elements and their records joined,
/// so <c>results</c> reads both <c>{ "results": [...] }</c> and <c>[ { "results": [...] }, { "results": [...] } ]</c>.
/// An object without the path's last field holds no records: Google Ads leaves <c>results</c> out of a page with no rows.
/// </summary>
internal static class RecordPath
{
    /// <summary>The records of <paramref name="page"/> in order, read from the page's arrays as they are enumerated.</summary>
    /// <param name="page">The page's JSON.</param>
    /// <param name="path">The <c>records</c> option; null when the page itself is the array.</param>
    /// <param name="request">The page's request, for messages ("POST URL (page 2)").</param>
    /// <exception cref="InvalidDataException">A step is missing, or the path ends at something other than an array (raised before any record).</exception>
    public static IEnumerable<JsonElement> Select(JsonElement page, string? path, string request)
    {
        List<JsonElement> found = [page];
        var steps = path?.Split('.') ?? [];
        for (var i = 0; i < steps.Length; i++)
        {
            var last = i == steps.Length - 1;
            found = [.. found.SelectMany(element => Step(element, steps[i], last) ?? throw new InvalidDataException($"{request} returned JSON without '{path}' ('records')"))];
        }

        foreach (var element in found)
        {
            if (element.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidDataException($"{request}: '{path ?? "the response"}' is {element.ValueKind.ToString().ToLowerInvariant()}, not an array of records");
            }
        }

        // Not copied into one list: a page of thousands of records would make it a large-object allocation per page.
        return found.SelectMany(array => array.EnumerateArray());
    }

    private static List<JsonElement>? Step(JsonElement element, string step, bool last)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            return element.TryGetProperty(step, out var child) ? [child] : last ? [] : null;
        }

        if (element.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        if (int.TryParse(step, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            return index < element.GetArrayLength() ? [element[index]] : null;
        }

        var children = new List<JsonElement>();
        foreach (var item in element.EnumerateArray())
        {
            if (Step(item, step, last) is not { } child)
            {
                return null;
            }

            children.AddRange(child);
        }

        return children;
    }
}
