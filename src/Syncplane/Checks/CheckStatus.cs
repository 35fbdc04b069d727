namespace Syncplane.Checks;

/// <summary>The health of one check; stored and printed as lowercase text.</summary>
public enum CheckStatus
{
    /// <summary>Not checked, or nothing to check (a compose check without a compose file).</summary>
    Unknown,

    /// <summary>Reachable, in sync and fast enough.</summary>
    Healthy,

    /// <summary>Works, but something needs attention: slow, a certificate expiring soon, a repository behind or dirty, services missing.</summary>
    Degraded,

    /// <summary>Unreachable, failed, timed out, or in a state that needs a person (a diverged repository, an expired certificate).</summary>
    Down,
}

/// <summary>Text forms and ordering of <see cref="CheckStatus"/>.</summary>
public static class CheckStatusText
{
    /// <summary>healthy, degraded, down or unknown.</summary>
    public static string ToText(this CheckStatus status) => status switch
    {
        CheckStatus.Healthy => "healthy",
        CheckStatus.Degraded => "degraded",
        CheckStatus.Down => "down",
        _ => "unknown",
    };

    /// <summary>Parses <see cref="ToText"/>'s output; anything else is unknown.</summary>
    public static CheckStatus Parse(string? text) => text switch
    {
        "healthy" => CheckStatus.Healthy,
        "degraded" => CheckStatus.Degraded,
        "down" => CheckStatus.Down,
        _ => CheckStatus.Unknown,
    };

    /// <summary>The worst of several statuses (healthy &lt; unknown &lt; degraded &lt; down); healthy for none.</summary>
    public static CheckStatus Worst(IEnumerable<CheckStatus> statuses) =>
        statuses.Select(s => (Rank: Rank(s), Status: s)).DefaultIfEmpty((Rank: 0, Status: CheckStatus.Healthy)).MaxBy(x => x.Rank).Status;

    private static int Rank(CheckStatus status) => status switch
    {
        CheckStatus.Healthy => 0,
        CheckStatus.Unknown => 1,
        CheckStatus.Degraded => 2,
        _ => 3,
    };
}
