namespace Syncplane.Planning.TwoWay;

/// <summary>How a conflict reads in logs and dry runs.</summary>
public static class TwoWayText
{
    /// <summary><c>notes.md: changed on both sides; newer wins: the destination's copy (the source's is kept as notes.conflict-source-….md)</c>.</summary>
    public static string Describe(Conflict conflict)
    {
        ArgumentNullException.ThrowIfNull(conflict);
        var winner = TwoWayNames.Of(conflict.Winner);
        var loser = TwoWayNames.Of(TwoWayNames.Other(conflict.Winner));
        var lost = conflict.KeptAs is { } kept ? $"the {loser}'s is kept as {kept}" : $"the {loser}'s is overwritten";
        return $"{conflict.Key}: changed on both sides; {conflict.Resolution}: the {winner}'s copy keeps the name, {lost}";
    }
}
