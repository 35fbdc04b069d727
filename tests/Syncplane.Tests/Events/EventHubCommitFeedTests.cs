using System.Reflection;
using System.Text.Json.Nodes;
using Syncplane.Events;
using Syncplane.Storage;
using Syncplane.Storage.Sqlite;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Events;

public sealed class EventHubCommitFeedTests
{
    [Fact]
    public async Task AnEventThisProcessCommits_ReachesSubscribers_WithoutTheHubReadingItBack()
    {
        using var dir = new TempDirectory();
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await using var store = new SqliteSyncStore(Path.Combine(dir.Path, "s.db"), TimeProvider.System);
        await store.MigrateAsync(stop.Token);
        var proxy = DispatchProxy.Create<IStoreWithCommitFeed, ReadBlocker>();
        var blocker = (ReadBlocker)(object)proxy;
        blocker.Inner = store;
        var hub = new EventHub(proxy, TimeProvider.System);
        var pump = hub.RunAsync(stop.Token);
        await hub.Started;
        using var subscription = hub.Subscribe(EventFilter.All);

        blocker.Blocked = true; // from now on the hub's reads of the event log never answer
        var appended = await store.AppendEventAsync(new NewEvent("record.changed", "lz", null, new JsonObject { ["key"] = "vm-1" }), stop.Token);
        var received = await subscription.Reader.ReadAsync(stop.Token);

        Assert.Equal(appended, received);
        blocker.Release.SetResult();
        await stop.CancelAsync();
        await pump;
    }

    internal interface IStoreWithCommitFeed : ISyncStore, ICommittedEventFeed;

    /// <summary>Forwards everything to the store, except that reads of the event log wait for <see cref="Release"/> while <see cref="Blocked"/>.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1852:Seal internal types", Justification = "DispatchProxy generates a subclass of it")]
    public class ReadBlocker : DispatchProxy
    {
        internal SqliteSyncStore Inner { get; set; } = null!;

        private volatile bool _blocked;

        internal bool Blocked
        {
            get => _blocked;
            set => _blocked = value;
        }

        internal TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            if (Blocked && targetMethod.Name == nameof(ISyncStore.ReadEventsAsync))
            {
                return ReadLaterAsync((long)args![0]!, (int)args[1]!, (CancellationToken)args[2]!);
            }

            return targetMethod.Invoke(Inner, args);
        }

        private async Task<IReadOnlyList<SyncEvent>> ReadLaterAsync(long afterId, int limit, CancellationToken cancellationToken)
        {
            await Release.Task.WaitAsync(cancellationToken);
            return await Inner.ReadEventsAsync(afterId, limit, cancellationToken);
        }
    }
}
