using Syncplane.Planning;

namespace Syncplane.Connectors.Git;

/// <summary>One entry of a git source's <c>map</c>: a repository file or folder and where it lands in the destination.</summary>
/// <param name="Source">The repository path (a file or a folder), '/'-separated, without a trailing '/'.</param>
/// <param name="Destination">
/// The destination path it becomes: a file's new path, or the folder that a folder's contents land in. Written with
/// a trailing '/' in the config, it is resolved at load time to that folder plus the source's own name (<c>cp SRC DIR/</c>).
/// </param>
internal sealed record GitPathMapping(string Source, string Destination);

/// <summary>
/// A git source's explicit file and folder mappings (<c>map: { docs: docs/lz-reference, pmo.yaml: config/lz-pmo.yaml }</c>).
/// The destination paths are also the target's scope in the destination: only what is at or under them is compared,
/// deleted (with <c>delete: true</c>) and committed; everything else there is left alone.
/// </summary>
internal sealed class GitPathMap(IReadOnlyList<GitPathMapping> entries)
{
    private static readonly System.Buffers.SearchValues<char> GlobCharacters = System.Buffers.SearchValues.Create("*?[]{}\\!");

    public IReadOnlyList<GitPathMapping> Entries => entries;

    /// <summary>The destination paths, for the git commit step's pathspecs.</summary>
    public IReadOnlyList<string> DestinationScope { get; } = [.. entries.Select(e => e.Destination).Distinct(StringComparer.Ordinal)];

    /// <summary>True when <paramref name="key"/> is a mapped destination path or under one.</summary>
    public bool InScope(string key)
    {
        foreach (var destination in DestinationScope)
        {
            if (key == destination || (key.Length > destination.Length && key[destination.Length] == '/' && key.StartsWith(destination, StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Include globs that select exactly the scope, so a destination walks only the mapped paths (not the rest of a
    /// work tree, its .git, or a state directory inside it); null when a path holds a glob character.
    /// </summary>
    public IReadOnlyList<Glob>? ScopeGlobs() =>
        DestinationScope.Any(d => d.AsSpan().IndexOfAny(GlobCharacters) >= 0)
            ? null
            : [.. DestinationScope.SelectMany(d => new[] { Glob.Parse(d), Glob.Parse(d + "/**") })];

    /// <summary>
    /// Checks a relative path written in <c>root</c> or <c>map</c>: '/'-separated, not absolute, no '.' or '..' segments,
    /// not in <c>.git</c>. Returns it without a trailing '/', or null with <paramref name="error"/> set.
    /// </summary>
    public static string? Normalize(string path, out string? error)
    {
        var trimmed = path.Trim().TrimEnd('/');
        var segments = trimmed.Split('/');
        error = trimmed.Length == 0 ? "must not be empty or '/'"
            : path.StartsWith('/') || path.Contains('\\', StringComparison.Ordinal) ? "must be a relative path with '/' separators"
            : segments.Any(s => s is "" or "." or "..") ? "must not contain empty, '.' or '..' segments"
            : segments[0] == ".git" ? "must not point into .git"
            : null;
        return error is null ? trimmed : null;
    }
}
