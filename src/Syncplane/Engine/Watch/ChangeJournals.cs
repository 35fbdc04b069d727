using System.Collections.Concurrent;

namespace Syncplane.Engine.Watch;

/// <summary>The journals of the targets this node watches, shared by its watchers and its runner.</summary>
internal sealed class ChangeJournals
{
    private readonly ConcurrentDictionary<string, ChangeJournal> _journals = new(StringComparer.Ordinal);

    public ChangeJournal Add(string target, ChangeJournal journal) => _journals[target] = journal;

    /// <summary>The journal of a target this node watches; null when it does not (then its runs walk the tree).</summary>
    public ChangeJournal? Find(string target) => _journals.GetValueOrDefault(target);

    public void Remove(string target) => _journals.TryRemove(target, out _);
}
