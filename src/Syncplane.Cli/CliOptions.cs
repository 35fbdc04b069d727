using System.CommandLine;

namespace Syncplane.Cli;

/// <summary>Options shared by several commands.</summary>
internal static class CliOptions
{
    public static Option<string> Config() => new("--config", "-c")
    {
        Description = "The config file",
        DefaultValueFactory = _ => "syncplane.yaml",
        HelpName = "FILE",
    };

    public static Option<string> Store() => new("--store")
    {
        Description = "The store: a postgres:// URL or Npgsql connection string, or a SQLite file path (default: .syncplane/syncplane.db next to the config)",
        HelpName = "STORE",
    };

    public static Option<bool> Json() => new("--json") { Description = "Print JSON for machines instead of text" };
}
