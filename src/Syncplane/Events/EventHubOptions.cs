namespace Syncplane.Events;

/// <summary>Tuning of an <see cref="EventHub"/>.</summary>
public sealed record EventHubOptions
{
    /// <summary>
    /// How long a missing id holds back later events before it is given up as never coming (a rolled-back
    /// transaction). On PostgreSQL ids are taken before commit, so a later id can commit first. <value>1s</value>
    /// </summary>
    public TimeSpan GapWait { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Events a subscriber may fall behind before it is dropped. <value>4096</value></summary>
    public int SubscriberBuffer { get; init; } = 4096;

    /// <summary>The longest the hub waits without a wake-up before it looks for events anyway. <value>5s</value></summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Events read from the store per round trip. <value>500</value></summary>
    public int BatchSize { get; init; } = 500;
}
