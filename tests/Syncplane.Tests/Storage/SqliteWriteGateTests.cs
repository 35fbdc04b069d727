using Microsoft.Data.Sqlite;
using Syncplane.Storage.Sqlite;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Storage;

public sealed class SqliteWriteGateTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ASecondWriterOfTheProcess_WaitsWithoutHoldingAThread_AndWritesOnceTheFirstConnectionCloses()
    {
        using var directory = new TempDirectory();
        var file = directory["gate.db"];
        using var gate = new SqliteWriteGate(Timeout);
        var first = await OpenAsync(file);
        await gate.EnterAsync(first, CancellationToken.None);
        using (var create = first.CreateCommand())
        {
            create.CommandText = "CREATE TABLE t (v INTEGER)";
            create.ExecuteNonQuery();
        }

        using (var firstWrite = first.BeginTransaction(deferred: false))
        {
            await using var second = await OpenAsync(file);
            var secondTurn = gate.EnterAsync(second, CancellationToken.None).AsTask();

            // The second writer is waiting on the gate, not inside SQLite's busy handler: its task is pending, its thread free.
            Assert.False(secondTurn.IsCompleted);
            firstWrite.Commit();
            Assert.False(secondTurn.IsCompleted); // a commit is not the end of the turn: the connection may write again

            await first.DisposeAsync();
            await secondTurn.WaitAsync(Timeout);
            using var secondWrite = second.BeginTransaction(deferred: false);
            using var insert = second.CreateCommand();
            insert.CommandText = "INSERT INTO t (v) VALUES (1)";
            Assert.Equal(1, insert.ExecuteNonQuery());
            secondWrite.Commit();
        }
    }

    [Fact]
    public async Task AConnectionThatHasTheTurn_EntersAgainAtOnce()
    {
        using var directory = new TempDirectory();
        using var gate = new SqliteWriteGate(Timeout);
        await using var connection = await OpenAsync(directory["gate.db"]);
        await gate.EnterAsync(connection, CancellationToken.None);

        Assert.True(gate.EnterAsync(connection, CancellationToken.None).AsTask().IsCompletedSuccessfully);
    }

    [Fact]
    public async Task AWriterThatNeverGetsTheTurn_FailsAfterTheTimeout_InsteadOfHanging()
    {
        using var directory = new TempDirectory();
        using var gate = new SqliteWriteGate(TimeSpan.FromMilliseconds(50));
        await using var first = await OpenAsync(directory["gate.db"]);
        await using var second = await OpenAsync(directory["gate.db"]);
        await gate.EnterAsync(first, CancellationToken.None);

        await Assert.ThrowsAsync<TimeoutException>(() => gate.EnterAsync(second, CancellationToken.None).AsTask().WaitAsync(Timeout));
    }

    [Fact]
    public async Task AnUrgentWriter_GoesBeforeTheOthersWaiting_ButNotTwiceInARowWhileAnotherWaits()
    {
        using var directory = new TempDirectory();
        using var gate = new SqliteWriteGate(Timeout);
        var connections = new List<SqliteConnection>();
        for (var i = 0; i < 5; i++)
        {
            connections.Add(await OpenAsync(directory["gate.db"]));
        }

        var (holder, worker1, worker2, intake1, intake2) = (connections[0], connections[1], connections[2], connections[3], connections[4]);
        await gate.EnterAsync(holder, CancellationToken.None);
        var order = new List<string>();
        Task Enter(SqliteConnection connection, string name, bool urgent) => gate.EnterAsync(connection, urgent, CancellationToken.None).AsTask()
            .ContinueWith(_ => { lock (order) { order.Add(name); } connection.Close(); }, TaskScheduler.Default);

        // Two workers wait in turn; then two intake batches, which go first, but take every other turn.
        var waiting = new[]
        {
            Enter(worker1, "worker 1", urgent: false), Enter(worker2, "worker 2", urgent: false),
            Enter(intake1, "intake 1", urgent: true), Enter(intake2, "intake 2", urgent: true),
        };
        holder.Close();

        await Task.WhenAll(waiting).WaitAsync(Timeout);
        Assert.Equal(["intake 1", "worker 1", "intake 2", "worker 2"], order);
        foreach (var connection in connections)
        {
            await connection.DisposeAsync();
        }
    }

    private static async Task<SqliteConnection> OpenAsync(string file)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString());
        await connection.OpenAsync();
        return connection;
    }
}
