using Syncplane.Config;

namespace Syncplane.Cli;

internal static class ConfigFile
{
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
                Console.Error.WriteLine($"error: {error}");
            }

            Console.Error.WriteLine($"{ex.Errors.Count} error(s); nothing was run.");
            return null;
        }
    }
}
