using Syncplane.Config;
using Syncplane.Storage;
using Syncplane.Storage.Sqlite;

namespace Syncplane.Cli;

internal static class StoreFactory
{
    /// <summary>The embedded default: one SQLite file in the config's state directory.</summary>
    public static ISyncStore Open(SyncplaneConfig config, TimeProvider time) =>
        new SqliteSyncStore(Path.Combine(config.StateDirectory, "syncplane.db"), time);
}
