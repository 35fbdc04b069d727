using System.Diagnostics;
using Syncplane.Engine.Watch;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Engine.Watch;

public sealed class DirectoryWatcherTests : IDisposable
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(50);
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new();
    private readonly ChangeJournal _journal = new();
    private readonly List<Exception> _errors = [];
    private int _due;

    public void Dispose() => _dir.Dispose();

    private DirectoryWatcher Start() => new(_dir.Path, _journal, Debounce, _time, () => Interlocked.Increment(ref _due), _errors.Add);

    [Fact]
    public async Task AFileWritten_IsNotedAndQueuesOneRunAfterTheDebounce()
    {
        Directory.CreateDirectory(_dir.Combine("sub"));
        using var watcher = Start();

        _dir.Write("sub/a.txt", "hello");
        _dir.Write("sub/b.txt", "hello");
        // The kernel delivers events on the watcher's thread; the debounce runs on the (fake) clock from the first one.
        var clock = Stopwatch.StartNew();
        while (Volatile.Read(ref _due) == 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "no run was queued for the write");
            await Task.Delay(20);
            _time.Advance(Debounce);
        }

        await Task.Delay(200); // the second file's events, if they came late, join the journal
        var taken = _journal.Take(changedPathsOnly: true);
        Assert.NotNull(taken.Paths);
        Assert.Contains("sub/a.txt", taken.Paths);
        Assert.Contains("sub/b.txt", taken.Paths);
        Assert.DoesNotContain(".", taken.Paths);
    }

    [Fact]
    public void AWatcherError_MakesTheNextRunWalkTheTreeAndQueuesIt()
    {
        using var watcher = Start();
        watcher.Changed(_dir.Combine("a.txt"));

        watcher.OnError(new InternalBufferOverflowException("Too many changes at once in directory"));
        _time.Advance(Debounce);

        Assert.Equal(1, Volatile.Read(ref _due));
        Assert.Contains("Too many changes", Assert.Single(_errors).Message, StringComparison.Ordinal);
        var taken = _journal.Take(changedPathsOnly: true);
        Assert.Null(taken.Paths);
        Assert.True(taken.Overflowed);
        Assert.NotNull(_journal.Take(changedPathsOnly: true).Paths); // one full walk, then changed paths again
    }

    [Fact]
    public void ChangesWithinTheDebounce_QueueOneRun_AndAChangeAfterItQueuesAnother()
    {
        using var watcher = Start();

        watcher.Changed(_dir.Combine("a.txt"));
        _time.Advance(Debounce / 2);
        watcher.Changed(_dir.Combine("b.txt"));
        _time.Advance(Debounce / 2);
        Assert.Equal(1, Volatile.Read(ref _due));

        watcher.Changed(_dir.Combine("c.txt"));
        _time.Advance(Debounce);
        Assert.Equal(2, Volatile.Read(ref _due));
        Assert.Equal(["a.txt", "b.txt", "c.txt"], _journal.Take(changedPathsOnly: true).Paths!.Order(StringComparer.Ordinal));
    }
}
