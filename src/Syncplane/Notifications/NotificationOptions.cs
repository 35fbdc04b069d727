namespace Syncplane.Notifications;

/// <summary>How a <see cref="NotificationDispatcher"/> holds its lease and delivers.</summary>
internal sealed record NotificationOptions
{
    /// <summary>Names this node in the "notifier" lease.</summary>
    public string Holder { get; init; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():n}";

    /// <summary>How long the lease holds without renewal; renewed every third of it. <value>15s</value></summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The waits before each retry of a failed delivery; a notification is tried once plus once per entry, then given up
    /// (logged and skipped). <value>1s, 5s, 30s: 4 attempts</value>
    /// </summary>
    public IReadOnlyList<TimeSpan> Backoff { get; init; } = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30)];

    /// <summary>The longest <c>Retry-After</c> honoured; a receiver asking for more is waited on this long. <value>5m</value></summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one request may take. <value>10s</value></summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
