using Syncplane.Planning;

namespace Syncplane.Connectors.Directory;

/// <summary>Options of the <c>directory</c> connector.</summary>
/// <param name="Path">The root directory (absolute, resolved against the config's directory).</param>
/// <param name="Include">Only keys matching one of these globs are part of the snapshot; empty means all.</param>
/// <param name="Exclude">Keys matching one of these globs are left alone on both sides.</param>
/// <param name="Delete">As a destination: delete what the source no longer has. <value>true</value></param>
public sealed record DirectoryOptions(string Path, IReadOnlyList<Glob> Include, IReadOnlyList<Glob> Exclude, bool Delete = true)
{
    /// <summary>As a source under <c>serve</c>: watch the folder (see <see cref="WatchOptions"/>); null when not set.</summary>
    public WatchOptions? Watch { get; init; }
}
