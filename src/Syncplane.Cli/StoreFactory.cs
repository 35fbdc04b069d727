using Syncplane.Config;
using Syncplane.Storage;
using Syncplane.Storage.Postgres;
using Syncplane.Storage.Sqlite;

namespace Syncplane.Cli;

internal static class StoreFactory
{
    /// <summary>
    /// Opens the store named by <c>--store</c>, else by the config's <c>store</c> key, else the embedded
    /// default: one SQLite file in the config's state directory. A value may be a secret reference.
    /// </summary>
    public static ISyncStore Open(SyncplaneConfig config, string? storeOption, SecretResolver secrets, TimeProvider time)
    {
        CreateIgnoredByGit(config.StateDirectory);
        var location = storeOption ?? config.Store;
        if (location is null)
        {
            return new SqliteSyncStore(Path.Combine(config.StateDirectory, "syncplane.db"), time);
        }

        var resolved = secrets.Resolve(location);
        if (resolved.StartsWith("postgres://", StringComparison.Ordinal) || resolved.StartsWith("postgresql://", StringComparison.Ordinal)
            || resolved.Contains("Host=", StringComparison.OrdinalIgnoreCase))
        {
            return new PostgresSyncStore(resolved, time);
        }

        var path = resolved.StartsWith("sqlite:", StringComparison.Ordinal) ? resolved["sqlite:".Length..] : resolved;
        return new SqliteSyncStore(Path.GetFullPath(path, config.BaseDirectory), time);
    }

    /// <summary>
    /// A state directory Syncplane creates ignores itself: at a repository's root (seed 004) a <c>git add -A</c>
    /// must never commit the store, or a "Git clean" pre-sync check would fail on every later run. A directory
    /// that exists already is the user's and left as it is.
    /// </summary>
    private static void CreateIgnoredByGit(string stateDirectory)
    {
        if (!Directory.Exists(stateDirectory))
        {
            Directory.CreateDirectory(stateDirectory);
            File.WriteAllText(Path.Combine(stateDirectory, ".gitignore"), "# Syncplane's state: the store, clones, caches\n*\n");
        }
    }
}
