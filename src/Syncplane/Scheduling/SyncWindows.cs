namespace Syncplane.Scheduling;

/// <summary>Evaluates a target's <c>windows</c>: deny windows block; allow windows, when any exist, are the only times runs may start.</summary>
/// <remarks>
/// A manual run ignores every window that has <see cref="SyncWindow.ManualOverride"/>; the rest apply
/// to it as to scheduled runs. With no windows everything is allowed.
/// </remarks>
internal static class SyncWindows
{
    /// <summary>How far <see cref="NextAllowed"/> looks ahead before giving up.</summary>
    public static readonly TimeSpan Horizon = TimeSpan.FromDays(400);

    /// <summary>Whether a run may start at <paramref name="instant"/>.</summary>
    public static bool IsAllowed(IReadOnlyList<SyncWindow> windows, DateTimeOffset instant, bool isManual) =>
        Blocker(windows, instant, isManual) is null;

    /// <summary>Why a run may not start at <paramref name="instant"/> (naming the window), or null when it may.</summary>
    public static string? Blocker(IReadOnlyList<SyncWindow> windows, DateTimeOffset instant, bool isManual)
    {
        ArgumentNullException.ThrowIfNull(windows);
        var anyAllow = false;
        foreach (var window in Applicable(windows, isManual))
        {
            if (window.Kind == SyncWindowKind.Deny && window.OpenedAt(instant) is not null)
            {
                return $"inside deny window {window}";
            }

            anyAllow |= window.Kind == SyncWindowKind.Allow;
        }

        if (anyAllow && !Applicable(windows, isManual).Any(w => w.Kind == SyncWindowKind.Allow && w.OpenedAt(instant) is not null))
        {
            return "outside every allow window";
        }

        return null;
    }

    /// <summary>
    /// The earliest instant at or after <paramref name="instant"/> when a run may start: the instant
    /// itself when allowed, else when the blocking deny window closes or the next allow window opens.
    /// Null when nothing opens within <see cref="Horizon"/>.
    /// </summary>
    public static DateTimeOffset? NextAllowed(IReadOnlyList<SyncWindow> windows, DateTimeOffset instant, bool isManual)
    {
        ArgumentNullException.ThrowIfNull(windows);
        var applicable = Applicable(windows, isManual).ToList();
        var limit = instant + Horizon;
        var t = instant;
        while (t <= limit)
        {
            DateTimeOffset? next = null;
            foreach (var deny in applicable.Where(w => w.Kind == SyncWindowKind.Deny))
            {
                if (deny.OpenedAt(t) is { } opened && (next is null || opened + deny.Duration > next))
                {
                    next = opened + deny.Duration; // leave every deny window that covers t
                }
            }

            if (next is null)
            {
                var allows = applicable.Where(w => w.Kind == SyncWindowKind.Allow).ToList();
                if (allows.Count == 0 || allows.Any(w => w.OpenedAt(t) is not null))
                {
                    return t;
                }

                next = allows.Select(w => w.NextOpening(t)).Where(o => o is not null).Min();
                if (next is null)
                {
                    return null;
                }
            }

            t = next.Value;
        }

        return null;
    }

    private static IEnumerable<SyncWindow> Applicable(IReadOnlyList<SyncWindow> windows, bool isManual) =>
        isManual ? windows.Where(w => !w.ManualOverride) : windows;
}
