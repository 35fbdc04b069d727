using System.Text.RegularExpressions;
using Syncplane.Checks;
using Syncplane.Config;
using Syncplane.Connectors;
using Syncplane.Connectors.Directory;
using Syncplane.Connectors.Sql;
using Syncplane.Documents;
using Syncplane.Webhooks;

namespace Syncplane.Projects;

/// <summary>
/// Binds <c>projects:</c> and checks it against the targets and checks: every name a project lists exists, no target
/// or check belongs to two projects, and a project's targets write only inside its allowed destinations.
/// </summary>
internal static partial class ProjectsBinder
{
    public static ProjectsConfig Bind(ConfigNode? node, IReadOnlyList<TargetConfig> targets, ChecksConfig checks, string configDirectory, ConfigReader reader)
    {
        if (node is null || node.IsNull || !reader.IsMapping(node, "projects"))
        {
            return ProjectsConfig.None;
        }

        var items = new List<ProjectConfig>();
        var targetOwners = new Dictionary<string, string>(StringComparer.Ordinal);
        var checkOwners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in node.Entries)
        {
            var name = key.Value ?? "";
            if (!ProjectName().IsMatch(name))
            {
                reader.Error(key, $"project name '{name}' must be lowercase letters, digits, '-' or '_' (starting with a letter or digit), at most 63 characters");
                continue;
            }

            if (!reader.Mapping(value, $"project '{name}'", "targets", "checks", "destinations", "webhooks"))
            {
                continue;
            }

            var project = new ProjectConfig
            {
                Name = name,
                Targets = reader.StringList(value, "targets"),
                Checks = reader.StringList(value, "checks"),
                Destinations = Destinations(value["destinations"], name, configDirectory, reader),
                Webhooks = value["webhooks"] is { IsNull: false } webhooks ? WebhooksBinder.BindProject(webhooks, name, reader) : null,
            };
            items.Add(project);
            Claim(project, "target", project.Targets, value["targets"], targets.Select(t => t.Name), targetOwners, reader);
            Claim(project, "check", project.Checks, value["checks"], checks.Items.Select(c => c.Name), checkOwners, reader);
        }

        var documents = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var target in targets)
        {
            if (!targetOwners.TryGetValue(target.Name, out var owner))
            {
                continue;
            }

            if (DocumentTarget.ForTarget(target) is { } document)
            {
                documents[document.Name] = owner;
            }

            if (items.First(p => p.Name == owner).Destinations is { } allowed && Outside(target, allowed) is { } why)
            {
                reader.Error(target.Node ?? node, $"target '{target.Name}' of project '{owner}' {why}; add it to projects.{owner}.destinations or move the target out of the project");
            }

            // What a target waits on shows in its status and runs (a dependency's newest run, a check's state): its own project's only.
            foreach (var (kind, names, owners) in new[] { ("depends on target", target.DependsOn, targetOwners), ("requires check", target.Requires, checkOwners) })
            {
                foreach (var other in names.Where(n => owners.GetValueOrDefault(n) != owner))
                {
                    var whose = owners.TryGetValue(other, out var project) ? $"project '{project}'" : "no project";
                    reader.Error(target.Node ?? node, $"target '{target.Name}' of project '{owner}' {kind} '{other}' of {whose}; a project's targets may depend on and require only its own targets and checks");
                }
            }
        }

        return new ProjectsConfig(items, targetOwners, checkOwners, documents);
    }

    // Each name or pattern claims what it matches; a plain name must exist, and nothing may be claimed by two projects.
    private static void Claim(
        ProjectConfig project, string kind, IReadOnlyList<string> patterns, ConfigNode? at, IEnumerable<string> declared, Dictionary<string, string> owners, ConfigReader reader)
    {
        var names = declared.ToList();
        foreach (var text in patterns)
        {
            var pattern = new WildcardPattern(text, ignoreCase: false);
            var matched = names.Where(pattern.IsMatch).ToList();
            if (matched.Count == 0 && !pattern.HasWildcard)
            {
                reader.Error(at!, $"project '{project.Name}' lists {kind} '{text}', which is not declared in {kind}s:");
            }

            foreach (var name in matched)
            {
                if (owners.TryGetValue(name, out var other) && other != project.Name)
                {
                    reader.Error(at!, $"{kind} '{name}' belongs to projects '{other}' and '{project.Name}'; a {kind} belongs to one project at most (narrow one of the patterns)");
                }
                else
                {
                    owners[name] = project.Name;
                }
            }
        }
    }

    private static AllowedDestinations? Destinations(ConfigNode? node, string project, string configDirectory, ConfigReader reader)
    {
        if (node is null || node.IsNull || !reader.Mapping(node, $"projects.{project}.destinations", "directories", "sql", "documents"))
        {
            return null;
        }

        var directories = reader.StringList(node, "directories")
            .Select(d => Path.TrimEndingDirectorySeparator(Path.GetFullPath(d, configDirectory))).ToList();
        return new AllowedDestinations(directories, reader.StringList(node, "sql"), reader.StringList(node, "documents"));
    }

    // Where the target writes that its project does not allow, or null: its destination, and its source too when it syncs both ways.
    private static string? Outside(TargetConfig target, AllowedDestinations allowed)
    {
        if (target.Entrypoint is not null)
        {
            return "runs an entrypoint script, whose writes Syncplane cannot confine to the project's destinations";
        }

        var sides = target.Direction == SyncDirection.Bidirectional ? new[] { target.Destination, target.Source } : [target.Destination];
        foreach (var side in sides.OfType<ConnectorConfig>())
        {
            var why = side.Options switch
            {
                DirectoryOptions d when !allowed.Directories.Any(root => IsInside(d.Path, root)) =>
                    $"writes to directory '{d.Path}', outside the allowed directories ({List(allowed.Directories)})",
                SqlDestinationOptions s when !allowed.Sql.Contains(s.Connection, StringComparer.Ordinal) =>
                    $"writes to SQL connection '{s.Connection}', not one of the allowed ones ({List(allowed.Sql)})",
                DocumentOptions when DocumentTarget.ForTarget(target) is { } doc && !allowed.Documents.Contains(doc.Name, StringComparer.Ordinal) =>
                    $"writes document '{doc.Name}', not one of the allowed documents ({List(allowed.Documents)})",
                DirectoryOptions or SqlDestinationOptions or DocumentOptions => null,
                _ => $"writes through a '{side.Type}' connector, which projects.*.destinations cannot allow",
            };
            if (why is not null)
            {
                return why;
            }
        }

        return null;
    }

    private static bool IsInside(string path, string root) =>
        path == root || path.StartsWith(root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static string List(IReadOnlyList<string> items) => items.Count == 0 ? "none" : string.Join(", ", items);

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,62}$")]
    private static partial Regex ProjectName();
}
