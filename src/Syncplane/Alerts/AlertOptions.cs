namespace Syncplane.Alerts;

/// <summary>How a node evaluates alert rules and sends their notifications.</summary>
internal sealed record AlertOptions
{
    /// <summary>Names this node on the outbox rows it claims.</summary>
    public string Holder { get; init; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():n}";

    /// <summary>How often every rule is evaluated, besides right after a run finishes or a check changes. <value>30s</value></summary>
    public TimeSpan EvaluateEvery { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the outbox is looked at when nothing wakes the sender. <value>5s</value></summary>
    public TimeSpan PollEvery { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a claimed delivery is this node's; if the node dies mid-send, another sends it after this. Longer than
    /// <see cref="RequestTimeout"/>, so a live sender finishes (and records) before anyone else may try. <value>1m</value>
    /// </summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How long one HTTP request or SMTP conversation may take. <value>15s</value></summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Waits before each retry of a failed delivery; after the last, it is given up. <value>10s, 1m, 5m, 15m: 5 attempts</value></summary>
    public IReadOnlyList<TimeSpan> Backoff { get; init; } = [TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15)];

    /// <summary>Deliveries claimed at once; each is sent on its own, so a slow channel does not hold up the others. <value>20</value></summary>
    public int Batch { get; init; } = 20;
}
