using System.Text.Json;
using Syncplane.Events;

namespace Syncplane.Projects;

/// <summary>
/// The one place that decides what a caller scoped to a project may see: a target, check or document is visible when
/// its project is the caller's; a run is its target's; an event is its target's, check's (check and alert events) or
/// nobody's. Whatever has no project (targets outside every project, alert silences, webhook deliveries that matched
/// targets of several projects, node events) is seen by global callers only: a scoped caller is refused by default.
/// </summary>
/// <remarks>Every answer comes from the loaded config: no store read.</remarks>
public sealed class ProjectScope
{
    private readonly ProjectsConfig _projects;

    private ProjectScope(ProjectsConfig projects, string? project)
    {
        _projects = projects;
        Project = project;
    }

    /// <summary>A global caller: sees everything.</summary>
    public static ProjectScope Global { get; } = new(ProjectsConfig.None, null);

    /// <summary>The caller's project; null for a global caller.</summary>
    public string? Project { get; }

    public bool IsGlobal => Project is null;

    /// <summary>The scope of a caller of <paramref name="project"/> (null: global). A project the config does not declare sees nothing.</summary>
    public static ProjectScope For(ProjectsConfig projects, string? project)
    {
        ArgumentNullException.ThrowIfNull(projects);
        return project is null ? Global : new ProjectScope(projects, project);
    }

    public bool SeesTarget(string? name) => IsGlobal || (name is not null && _projects.OfTarget(name) == Project);

    public bool SeesCheck(string? name) => IsGlobal || (name is not null && _projects.OfCheck(name) == Project);

    public bool SeesDocument(string? name) => IsGlobal || (name is not null && _projects.OfDocument(name) == Project);

    /// <summary>An alert state or history entry: the target or check it is about (<paramref name="kind"/> <c>target</c> or <c>check</c>).</summary>
    public bool SeesSubject(string kind, string subject) => kind == "check" ? SeesCheck(subject) : kind == "target" && SeesTarget(subject);

    /// <summary>Whether the event reaches this caller (on the stream, in replays and in <c>/events/recent</c>).</summary>
    public bool SeesEvent(SyncEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (IsGlobal)
        {
            return true;
        }

        if (e.Target is { } target)
        {
            return SeesTarget(target);
        }

        // Without a target, only check events (and alerts on checks) name what they concern; anything else is nobody's.
        var key = e.Type == EventTypes.CheckChanged ? "name" : e.Type.StartsWith("alert.", StringComparison.Ordinal) ? "check" : null;
        return key is not null && SeesCheck(DataText(e.Data, key));
    }

    private static string? DataText(string data, string key)
    {
        try
        {
            using var json = JsonDocument.Parse(data);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
