namespace Syncplane.Events;

/// <summary>Which events a subscriber wants: by target name and by type (<c>run.*</c> matches every run event).</summary>
/// <param name="Targets">Target names; empty for all.</param>
/// <param name="Types">Event types or <c>prefix.*</c> patterns; empty for all.</param>
public sealed record EventFilter(IReadOnlyList<string> Targets, IReadOnlyList<string> Types)
{
    /// <summary>Every event.</summary>
    public static readonly EventFilter All = new([], []);

    /// <summary>Whether the subscriber may see an event at all (its project scope); null: every event.</summary>
    public Func<SyncEvent, bool>? Visible { get; init; }

    public bool Matches(SyncEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return (Targets.Count == 0 || (e.Target is { } target && Targets.Contains(target, StringComparer.Ordinal)))
            && (Types.Count == 0 || Types.Any(type => TypeMatches(type, e.Type)))
            && (Visible is null || Visible(e));
    }

    private static bool TypeMatches(string pattern, string type) =>
        pattern.EndsWith(".*", StringComparison.Ordinal)
            ? type.StartsWith(pattern[..^1], StringComparison.Ordinal)
            : string.Equals(pattern, type, StringComparison.Ordinal);
}
