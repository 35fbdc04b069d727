namespace Syncplane.Events;

/// <summary>
/// A store that tells in-process listeners which events a transaction of this process appended, right after it
/// committed, so the <see cref="EventHub"/> can publish them without reading them back.
/// </summary>
/// <remarks>Only this process's commits: events other processes or nodes append still come from the store.</remarks>
internal interface ICommittedEventFeed
{
    /// <summary>
    /// Calls <paramref name="listener"/> after each commit with the events it appended, in id order, until the result is
    /// disposed; the listener must be quick and must not throw.
    /// </summary>
    IDisposable ListenToCommits(Action<IReadOnlyList<SyncEvent>> listener);
}
