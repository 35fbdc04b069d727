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
        var location = Locate(config, storeOption, secrets);
        return location.SqlitePath is { } path ? new SqliteSyncStore(path, time) : new PostgresSyncStore(location.Postgres!, time);
    }

    /// <summary>Where <see cref="Open"/> would open the store, without opening or creating anything.</summary>
    public static StoreLocation Locate(SyncplaneConfig config, string? storeOption, SecretResolver secrets)
    {
        var location = storeOption ?? config.Store;
        if (location is null)
        {
            return new StoreLocation(Path.Combine(config.StateDirectory, "syncplane.db"), null);
        }

        var resolved = secrets.Resolve(location);
        if (resolved.StartsWith("postgres://", StringComparison.Ordinal) || resolved.StartsWith("postgresql://", StringComparison.Ordinal)
            || resolved.Contains("Host=", StringComparison.OrdinalIgnoreCase))
        {
            return new StoreLocation(null, resolved);
        }

        var path = resolved.StartsWith("sqlite:", StringComparison.Ordinal) ? resolved["sqlite:".Length..] : resolved;
        return new StoreLocation(Path.GetFullPath(path, config.BaseDirectory), null);
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

/// <summary>A SQLite file's full path, or a PostgreSQL connection string (a secret: never print it).</summary>
internal sealed record StoreLocation(string? SqlitePath, string? Postgres);
