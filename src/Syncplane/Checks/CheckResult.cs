namespace Syncplane.Checks;

/// <summary>What one run of a check found; recorded in the store for history and printed by <c>syncplane check</c>.</summary>
/// <remarks>
/// Details are short strings keyed by snake_case names (<c>branch</c>, <c>behind</c>, <c>cert_days_left</c>, …),
/// so they store, print and serialize the same everywhere. Nothing in a result carries a resolved secret.
/// </remarks>
public sealed record CheckResult
{
    /// <summary>The check's key in <c>checks:</c>.</summary>
    public required string Name { get; init; }

    /// <summary>http, dns, tcp, git, compose or command.</summary>
    public required string Kind { get; init; }

    public required CheckStatus Status { get; init; }

    /// <summary>Wall time of the check in milliseconds.</summary>
    public long LatencyMs { get; init; }

    /// <summary>One line for humans.</summary>
    public required string Message { get; init; }

    public IReadOnlyDictionary<string, string> Details { get; init; } = new Dictionary<string, string>();

    /// <summary>When the check finished.</summary>
    public required DateTimeOffset CheckedAt { get; init; }
}

/// <summary>What a check implementation returns; the runner adds name, kind, latency and time.</summary>
/// <param name="Status">The health found.</param>
/// <param name="Message">One line for humans.</param>
/// <param name="Details">Structured facts (see <see cref="CheckResult.Details"/>).</param>
public sealed record CheckOutcome(CheckStatus Status, string Message, IReadOnlyDictionary<string, string> Details)
{
    public CheckOutcome(CheckStatus status, string message)
        : this(status, message, new Dictionary<string, string>())
    {
    }
}
