namespace Syncplane.Planning.TwoWay;

/// <summary>How a two-way sync settles a key that changed differently on both sides (<c>conflicts:</c> of a bidirectional target).</summary>
public enum ConflictPolicy
{
    /// <summary>Both copies stay: the newer keeps the name, the other is renamed <c>name.conflict-&lt;side&gt;-&lt;time&gt;.ext</c> on both sides. The default.</summary>
    KeepBoth,

    /// <summary>The copy modified last wins; a tie keeps both.</summary>
    Newer,

    /// <summary>The copy modified first wins; a tie keeps both.</summary>
    Older,

    /// <summary>The bigger copy wins; a tie keeps both.</summary>
    Larger,

    /// <summary>The smaller copy wins; a tie keeps both.</summary>
    Smaller,

    /// <summary>The source's copy wins.</summary>
    Source,

    /// <summary>The destination's copy wins.</summary>
    Destination,
}

/// <summary>The two sides of a two-way sync.</summary>
public enum TwoWaySide
{
    Source,
    Destination,
}

/// <summary>Names of policies and sides as the config file and plans spell them.</summary>
public static class TwoWayNames
{
    public static readonly IReadOnlyDictionary<string, ConflictPolicy> Policies = new Dictionary<string, ConflictPolicy>(StringComparer.Ordinal)
    {
        ["keep-both"] = ConflictPolicy.KeepBoth,
        ["newer"] = ConflictPolicy.Newer,
        ["older"] = ConflictPolicy.Older,
        ["larger"] = ConflictPolicy.Larger,
        ["smaller"] = ConflictPolicy.Smaller,
        ["source"] = ConflictPolicy.Source,
        ["destination"] = ConflictPolicy.Destination,
    };

    public static string Of(ConflictPolicy policy) => Policies.First(p => p.Value == policy).Key;

    public static string Of(TwoWaySide side) => side == TwoWaySide.Source ? "source" : "destination";

    public static TwoWaySide Other(TwoWaySide side) => side == TwoWaySide.Source ? TwoWaySide.Destination : TwoWaySide.Source;
}
