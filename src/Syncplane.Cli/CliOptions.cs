using System.CommandLine;

namespace Syncplane.Cli;

/// <summary>Options shared by several commands.</summary>
internal static class CliOptions
{
    public static Option<string> Config() => new("--config", "-c")
    {
        Description = "The config file (default: ./syncplane.yaml, or ./.insightpulse/sync.yaml when only that exists)",
        DefaultValueFactory = _ => ConfigFile.DefaultPath(),
        HelpName = "FILE",
    };

    public static Option<string> Store() => new("--store")
    {
        Description = "The store: a postgres:// URL or Npgsql connection string, or a SQLite file path (default: syncplane.db in the config's state_dir, .syncplane/ under its root)",
        HelpName = "STORE",
    };

    public static Option<bool> Json() => new("--json") { Description = "Print JSON for machines instead of text" };
}
