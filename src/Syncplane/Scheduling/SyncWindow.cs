namespace Syncplane.Scheduling;

/// <summary>Whether a window lets runs through or holds them back.</summary>
public enum SyncWindowKind
{
    /// <summary>Runs may start only inside this window (or another allow window).</summary>
    Allow,

    /// <summary>Runs may not start inside this window.</summary>
    Deny,
}

/// <summary>
/// A recurring span of time: it opens at each firing of <see cref="Start"/> (read in
/// <see cref="TimeZone"/>) and stays open for <see cref="Duration"/> of elapsed time.
/// </summary>
/// <param name="Kind">Allow or deny.</param>
/// <param name="Start">When the window opens, e.g. <c>0 9 * * 1-5</c>.</param>
/// <param name="Duration">How long it stays open (elapsed time, so 8h is 8 real hours on a DST day too).</param>
/// <param name="TimeZone">The zone <see cref="Start"/> is read in.</param>
/// <param name="ManualOverride">When true, manual runs ("sync now", CLI) ignore this window. <value>false</value></param>
public sealed record SyncWindow(SyncWindowKind Kind, CronExpression Start, TimeSpan Duration, TimeZoneInfo TimeZone, bool ManualOverride = false)
{
    /// <summary>The opening of the occurrence of this window that covers <paramref name="instant"/>, or null when it is closed then.</summary>
    /// <remarks>An occurrence covers [opening, opening + duration); with overlapping occurrences the earliest opening is returned.</remarks>
    public DateTimeOffset? OpenedAt(DateTimeOffset instant) =>
        Start.GetNextOccurrence(instant - Duration, TimeZone) is { } opening && opening <= instant ? opening : null;

    /// <summary>The next instant strictly after <paramref name="instant"/> at which the window opens.</summary>
    public DateTimeOffset? NextOpening(DateTimeOffset instant) => Start.GetNextOccurrence(instant, TimeZone);

    /// <inheritdoc />
    public override string ToString() =>
        $"{(Kind == SyncWindowKind.Allow ? "allow" : "deny")} \"{Start.Text}\" for {Config.DurationParser.Format(Duration)} ({TimeZone.Id})";
}
