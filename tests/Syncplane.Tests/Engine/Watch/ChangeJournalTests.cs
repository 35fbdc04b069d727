using Syncplane.Engine.Watch;

namespace Syncplane.Tests.Engine.Watch;

public class ChangeJournalTests
{
    [Fact]
    public void MorePathsThanTheLimit_WalkTheTree()
    {
        var journal = new ChangeJournal(maxPaths: 2);
        journal.Add("a");
        journal.Add("b");
        journal.Add("c");

        Assert.Null(journal.Take(changedPathsOnly: true).Paths);
    }

    [Fact]
    public void AFailedRun_GivesItsPathsBack_ForTheNextRun()
    {
        var journal = new ChangeJournal();
        journal.Add("a");
        var taken = journal.Take(changedPathsOnly: true);
        journal.Add("b");

        journal.Restore(taken);

        Assert.Equal(["a", "b"], journal.Take(changedPathsOnly: true).Paths!.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ARunNotQueuedByTheWatcher_WalksTheTreeAndTakesThePaths()
    {
        var journal = new ChangeJournal();
        journal.Add("a");

        var taken = journal.Take(changedPathsOnly: false);

        Assert.Null(taken.Paths);
        Assert.Equal(["a"], taken.Taken);
        Assert.Empty(journal.Take(changedPathsOnly: true).Paths!);
    }
}
