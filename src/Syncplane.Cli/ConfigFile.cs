using Syncplane.Config;

namespace Syncplane.Cli;

internal static class ConfigFile
{
    /// <summary>Seed 004's place for the config, relative to the repository root where its CLI runs.</summary>
    public const string SeedPath = ".insightpulse/sync.yaml";

    private const string DefaultName = "syncplane.yaml";

    /// <summary>The config used without <c>--config</c>: ./syncplane.yaml, else ./.insightpulse/sync.yaml when only that exists.</summary>
    public static string DefaultPath() => !File.Exists(DefaultName) && File.Exists(SeedPath) ? SeedPath : DefaultName;

    /// <summary>Why <c>run</c> and <c>list</c> have nothing to do in <paramref name="config"/>; null when it declares targets.</summary>
    public static string? NoTargets(SyncplaneConfig config) =>
        config.Targets.Count > 0 ? null
        : config.Checks.Items.Count > 0 ? "this config declares no targets, only checks; run `syncplane check` to run them (or `syncplane serve` to run them on their intervals)"
        : "this config declares no targets; add one under 'targets:'";

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
