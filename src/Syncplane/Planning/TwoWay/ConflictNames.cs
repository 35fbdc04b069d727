using System.Globalization;

namespace Syncplane.Planning.TwoWay;

/// <summary>The name a losing copy is kept under: <c>notes.conflict-destination-20261206T101500Z.md</c>.</summary>
public static class ConflictNames
{
    /// <param name="key">The key both copies had.</param>
    /// <param name="side">The side the losing copy came from.</param>
    /// <param name="mtimeTicks">The losing copy's modification time (UTC ticks): the time in the name.</param>
    /// <param name="n">1 for the plain name; 2, 3, … when it is taken.</param>
    public static string For(string key, TwoWaySide side, long mtimeTicks, int n = 1)
    {
        ArgumentNullException.ThrowIfNull(key);
        var slash = key.LastIndexOf('/');
        var name = key[(slash + 1)..];
        var dot = name.LastIndexOf('.');
        var (stem, extension) = dot > 0 ? (name[..dot], name[dot..]) : (name, "");
        var time = new DateTime(Math.Max(mtimeTicks, 0), DateTimeKind.Utc).ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var suffix = n > 1 ? string.Create(CultureInfo.InvariantCulture, $"-{n}") : "";
        return $"{key[..(slash + 1)]}{stem}.conflict-{TwoWayNames.Of(side)}-{time}{suffix}{extension}";
    }
}
