using Syncplane.Storage;

namespace Syncplane.Tests.Storage;

public sealed class WriteBatcherTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task RequestsThatArriveDuringAWrite_GoIntoTheNextWriteTogether_InOrder()
    {
        var writes = new List<IReadOnlyList<int>>();
        var firstWriteHeld = new TaskCompletionSource();
        var firstWriteStarted = new TaskCompletionSource();
        var batcher = new WriteBatcher<int, string>(async requests =>
        {
            lock (writes)
            {
                writes.Add(requests);
            }

            if (requests[0] == 1)
            {
                firstWriteStarted.SetResult();
                await firstWriteHeld.Task;
            }

            return [.. requests.Select(r => $"done {r}")];
        });

        var first = batcher.WriteAsync(1);
        await firstWriteStarted.Task.WaitAsync(Timeout);
        var later = Enumerable.Range(2, 5).Select(batcher.WriteAsync).ToList();
        firstWriteHeld.SetResult();

        Assert.Equal("done 1", await first.WaitAsync(Timeout));
        Assert.Equal(["done 2", "done 3", "done 4", "done 5", "done 6"], await Task.WhenAll(later).WaitAsync(Timeout));
        Assert.Equal([[1], [2, 3, 4, 5, 6]], writes);
    }

    [Fact]
    public async Task WithTwoWriters_TheNextBatchIsWrittenWhileTheFirstIsStillOnItsWay_AndAThirdWaitsForOneOfThem()
    {
        var held = new Dictionary<int, TaskCompletionSource>();
        var started = new List<IReadOnlyList<int>>();
        var batcher = new WriteBatcher<int, int>(async requests =>
        {
            TaskCompletionSource hold;
            lock (held)
            {
                started.Add(requests);
                hold = held[requests[0]] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Monitor.PulseAll(held);
            }

            await hold.Task;
            return [.. requests];
        }, writers: 2);

        var first = batcher.WriteAsync(1);
        WaitForStarted(1);
        var second = batcher.WriteAsync(2);
        WaitForStarted(2);
        var third = batcher.WriteAsync(3);
        var fourth = batcher.WriteAsync(4);

        // Both batches are on their way; 3 and 4 wait together for whichever finishes first.
        Assert.Equal([[1], [2]], Started());
        Release(2);
        Assert.Equal(2, await second.WaitAsync(Timeout));
        WaitForStarted(3);
        Assert.False(first.IsCompleted);
        Release(3);
        Release(1);

        var answers = await Task.WhenAll(first, third, fourth).WaitAsync(Timeout);
        Assert.Equal([1, 3, 4], answers);
        Assert.Equal([[1], [2], [3, 4]], Started());

        List<IReadOnlyList<int>> Started()
        {
            lock (held)
            {
                return [.. started];
            }
        }

        void WaitForStarted(int count)
        {
            lock (held)
            {
                while (started.Count < count)
                {
                    Assert.True(Monitor.Wait(held, Timeout), "the batch was not written");
                }
            }
        }

        void Release(int firstRequest)
        {
            lock (held)
            {
                held[firstRequest].SetResult();
            }
        }
    }

    [Fact]
    public async Task AFailedWrite_FailsEveryRequestInIt_AndTheNextRequestIsWrittenAgain()
    {
        var fail = true;
        var batcher = new WriteBatcher<int, int>(requests => fail
            ? throw new InvalidOperationException("the database is away")
            : Task.FromResult<IReadOnlyList<int>>([.. requests]));

        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => batcher.WriteAsync(1).WaitAsync(Timeout));
        fail = false;

        Assert.Equal("the database is away", failed.Message);
        Assert.Equal(2, await batcher.WriteAsync(2).WaitAsync(Timeout));
    }
}
