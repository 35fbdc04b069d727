using Syncplane.Config;

namespace Syncplane.Cli;

internal static class ConfigFile
{
    /// <summary>Seed 004's place for the config, relative to the repository root where its CLI runs.</summary>
    public const string SeedPath = ".insightpulse/sync.yaml";

    private const string DefaultName = "syncplane.yaml";

    /// <summary>The config used without <c>--config</c>: ./syncplane.yaml, else ./.insightpulse/sync.yaml when only that exists.</summary>
    public static string DefaultPath() => !File.Exists(DefaultName) && File.Exists(SeedPath) ? SeedPath : DefaultName;

    /// <summary>Loads the config, or prints every error to stderr and returns null.</summary>
    public static SyncplaneConfig? LoadOrReport(string path)
    {
        try
        {
            return ConfigLoader.Default.Load(path);
        }
        catch (ConfigException ex)
        {
            foreach (var error in ex.Errors)
            {
                LogOutput.Error($"{error}");
            }

            var summary = $"{ex.Errors.Count} error(s); nothing was run.";
            LogOutput.Write(Console.Error, summary, TimeProvider.System.GetUtcNow(), "error", summary);
            return null;
        }
    }
}
