using Syncplane.Webhooks;

namespace Syncplane.Projects;

/// <summary>
/// The top-level <c>projects:</c> block: which project owns each target, check and document. Built once when the config
/// loads, so deciding what a project token may see is a dictionary lookup (no store read). See docs/projects.md.
/// </summary>
public sealed record ProjectsConfig
{
    private readonly Dictionary<string, string> _targets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _checks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _documents = new(StringComparer.Ordinal);

    /// <summary>Projects in file order.</summary>
    public IReadOnlyList<ProjectConfig> Items { get; }

    /// <summary>No projects: every token is global.</summary>
    public static ProjectsConfig None { get; } = new([], new Dictionary<string, string>(), new Dictionary<string, string>(), new Dictionary<string, string>());

    internal ProjectsConfig(
        IReadOnlyList<ProjectConfig> items, IReadOnlyDictionary<string, string> targets, IReadOnlyDictionary<string, string> checks, IReadOnlyDictionary<string, string> documents)
    {
        Items = items;
        foreach (var (name, project) in targets)
        {
            _targets[name] = project;
        }

        foreach (var (name, project) in checks)
        {
            _checks[name] = project;
        }

        foreach (var (name, project) in documents)
        {
            _documents[name] = project;
        }
    }

    /// <summary>The project named <paramref name="name"/>, or null.</summary>
    public ProjectConfig? Find(string name) => Items.FirstOrDefault(p => p.Name == name);

    /// <summary>The project that owns target <paramref name="name"/>; null when none does (only global tokens see it).</summary>
    public string? OfTarget(string name) => _targets.GetValueOrDefault(name);

    /// <summary>The project that owns check <paramref name="name"/>; null when none does.</summary>
    public string? OfCheck(string name) => _checks.GetValueOrDefault(name);

    /// <summary>The project that owns document <paramref name="name"/> (its target's); null when none does.</summary>
    public string? OfDocument(string name) => _documents.GetValueOrDefault(name);

    /// <summary>The targets <paramref name="project"/> owns.</summary>
    public IEnumerable<string> TargetsOf(string project) => _targets.Where(p => p.Value == project).Select(p => p.Key);
}

/// <summary>One project: a name, the targets and checks it owns (names or <c>*</c> patterns) and where its targets may write.</summary>
public sealed record ProjectConfig
{
    /// <summary>The key in <c>projects:</c>; what <c>syncplane token create --project</c> names.</summary>
    public required string Name { get; init; }

    /// <summary>Target names or patterns (<c>web-*</c>).</summary>
    public IReadOnlyList<string> Targets { get; init; } = [];

    /// <summary>Check names or patterns.</summary>
    public IReadOnlyList<string> Checks { get; init; } = [];

    /// <summary>Where the project's targets may write; null when the project does not restrict it.</summary>
    public AllowedDestinations? Destinations { get; init; }

    /// <summary>
    /// The project's own webhook secrets: set, they alone authenticate deliveries to the project's routes and its
    /// targets, and the top-level ones reach none of them; null, the top-level <c>webhooks:</c> serve the project too.
    /// </summary>
    public WebhooksConfig? Webhooks { get; init; }
}

/// <summary>
/// <c>projects.NAME.destinations</c>: directory roots (absolute, resolved against the config's base directory), SQL
/// connections (as written in the config, secret references unresolved) and document names. A kind left out allows none.
/// </summary>
public sealed record AllowedDestinations(IReadOnlyList<string> Directories, IReadOnlyList<string> Sql, IReadOnlyList<string> Documents);
