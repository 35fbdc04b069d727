namespace Syncplane.Storage.Rollups;

/// <summary>
/// Folds finished runs into the run rollups every <see cref="Interval"/> on each node (<see cref="ISyncStore.FoldRunRollupsAsync"/>).
/// Readers fold before they read, so answers do not wait for this; it keeps the backlog of pending runs a few seconds long.
/// </summary>
internal sealed class RollupFolder(ISyncStore store, TimeProvider time)
{
    /// <summary>How often a node folds.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    public async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, time, stopping);
                await store.FoldRunRollupsAsync(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The store is unreachable; the pending runs wait for the next fold.
            }
        }
    }
}
