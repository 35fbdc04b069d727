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

    /// <summary><c>--project NAME</c>: only what that project owns (see docs/projects.md).</summary>
    public static Option<string> Project(string what) => new("--project", "-p") { Description = $"Only {what} of this project (a name under projects: in the config)", HelpName = "PROJECT" };

    /// <summary>The project named by <c>--project</c>, checked against the config; false (with the error printed) when the config does not declare it.</summary>
    public static bool TryProject(Syncplane.Config.SyncplaneConfig config, string? name, out Syncplane.Projects.ProjectScope scope)
    {
        scope = Syncplane.Projects.ProjectScope.For(config.Projects, name);
        if (name is null || config.Projects.Find(name) is not null)
        {
            return true;
        }

        var declared = config.Projects.Items.Count == 0 ? "the config declares no projects" : "declared: " + string.Join(", ", config.Projects.Items.Select(p => p.Name));
        LogOutput.Error($"--project: no project named '{name}' ({declared})");
        return false;
    }

    public static Option<bool> Json() => new("--json") { Description = "Print JSON for machines instead of text" };
}
