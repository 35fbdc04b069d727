using System.Globalization;

namespace Syncplane.Events;

/// <summary>
/// The one timestamp format of the API and of event data: ISO 8601 in UTC with a <c>Z</c>, fractional seconds only
/// when there are any (<c>2026-03-01T12:00:03Z</c>, <c>2026-03-01T12:00:03.25Z</c>).
/// </summary>
internal static class UtcTimestamps
{
    private const string Format = "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'";

    public static string Text(DateTimeOffset at) => at.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);
}
