using Syncplane.Config;
using Syncplane.Storage;

namespace Syncplane.Cli;

/// <summary>What the queue commands share: the loaded config, its secrets, and the migrated store.</summary>
internal sealed class CliSession : IAsyncDisposable
{
    private CliSession(SyncplaneConfig config, SecretResolver secrets, ISyncStore store, TimeProvider time)
    {
        Config = config;
        Secrets = secrets;
        Store = store;
        Time = time;
    }

    public SyncplaneConfig Config { get; }

    public SecretResolver Secrets { get; }

    public ISyncStore Store { get; }

    public TimeProvider Time { get; }

    /// <summary>Loads the config and opens the store, or reports why not (to stderr) and returns null.</summary>
    public static async Task<CliSession?> OpenAsync(string configPath, string? storeOption, CancellationToken cancellationToken)
    {
        if (ConfigFile.LoadOrReport(configPath) is not { } config)
        {
            return null;
        }

        try
        {
            return await OpenAsync(config, storeOption, cancellationToken);
        }
        catch (SchemaTooNewException ex)
        {
            // An older node restarted after a newer one migrated the store (docs/deployment.md, "Upgrades").
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return null;
        }
    }

    /// <summary>Opens (and migrates) the store for an already loaded config.</summary>
    public static async Task<CliSession> OpenAsync(SyncplaneConfig config, string? storeOption, CancellationToken cancellationToken)
    {
        var time = TimeProvider.System;
        var secrets = SecretResolver.ForConfig(config);
        var store = StoreFactory.Open(config, storeOption, secrets, time);
        try
        {
            await store.MigrateAsync(cancellationToken);
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }

        return new CliSession(config, secrets, store, time);
    }

    public ValueTask DisposeAsync() => Store.DisposeAsync();
}
