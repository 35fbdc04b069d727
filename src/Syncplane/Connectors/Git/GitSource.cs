using Syncplane.Connectors.Directory;
using Syncplane.Planning;

namespace Syncplane.Connectors.Git;

/// <summary>
/// The git source: updates a private clone under the target's state directory, then reads its checkout
/// as a directory (limited to <see cref="GitSourceOptions.Paths"/>, never <c>.git</c>, and only directories
/// that hold a selected file), below <see cref="GitSourceOptions.Root"/> when set; or, with
/// <see cref="GitSourceOptions.Map"/>, only the mapped files and folders under their destination paths. The snapshot's
/// <see cref="Snapshot.Revision"/> is the commit SHA.
/// </summary>
internal sealed class GitSource(GitSourceOptions options, ConnectorContext context, GitCli git) : IScopedSource
{
    private static readonly IReadOnlyList<Glob> GitMetadata = [Glob.Parse(".git"), Glob.Parse(".git/**")];
    private DirectorySource? _files;
    private GitMappedFiles.Result? _mapped;

    /// <summary>The clone: <c>&lt;state&gt;/targets/&lt;target&gt;/repo</c>.</summary>
    public string RepositoryDirectory => Path.Combine(context.TargetStateDirectory, "repo");

    /// <summary>Clones or fetches and checks out the configured ref; returns the commit SHA.</summary>
    public Task<string> UpdateAsync(CancellationToken cancellationToken) =>
        new GitCheckout(git, options, context.Secrets, context.Log, context.Budget).UpdateAsync(RepositoryDirectory, cancellationToken);

    public async Task<Snapshot> SnapshotAsync(CancellationToken cancellationToken)
    {
        var sha = await UpdateAsync(cancellationToken);
        if (options.Map is { } map)
        {
            _mapped = await new GitMappedFiles(map, RepositoryDirectory, context).SnapshotAsync($"{options.DisplayUrl} at {sha[..Math.Min(12, sha.Length)]}", cancellationToken);
            return new Snapshot(_mapped.Items) { Revision = sha };
        }

        if (options.Root is { } root && !System.IO.Directory.Exists(Path.Combine(RepositoryDirectory, root)))
        {
            throw new DirectoryNotFoundException($"git source {options.DisplayUrl}: 'root' {root} is not a folder of the repository at {sha[..Math.Min(12, sha.Length)]}");
        }

        var files = await Files.SnapshotAsync(cancellationToken);
        return new Snapshot(WithoutEmptyDirectories(files.Items.Values)) { Revision = sha };
    }

    /// <summary>
    /// Git does not track directories, so in a checkout a directory that holds nothing the paths select
    /// (src/ under <c>paths: [docs/**]</c>) is not content; it must not appear as an empty folder downstream.
    /// </summary>
    internal static IEnumerable<Item> WithoutEmptyDirectories(IEnumerable<Item> items)
    {
        var all = items.ToList();
        var parents = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in all.Where(i => i.Kind != ItemKind.Directory))
        {
            for (var slash = item.Key.LastIndexOf('/'); slash > 0; slash = item.Key.LastIndexOf('/', slash - 1))
            {
                if (!parents.Add(item.Key[..slash]))
                {
                    break;
                }
            }
        }

        return all.Where(i => i.Kind != ItemKind.Directory || parents.Contains(i.Key));
    }

    public Task<Stream> OpenReadAsync(Item item, CancellationToken cancellationToken) =>
        _mapped is null
            ? Files.OpenReadAsync(item, cancellationToken)
            : Task.FromResult<Stream>(new FileStream(_mapped.LocalPath(item), FileMode.Open, FileAccess.Read, FileShare.Read, 0, FileOptions.SequentialScan));

    public string? TryGetLocalPath(Item item) => _mapped is null ? Files.TryGetLocalPath(item) : _mapped.LocalPath(item);

    /// <summary>With <c>map</c>, the mapped destination paths; otherwise null (the whole destination).</summary>
    public GitPathMap? DestinationScope => options.Map;

    private DirectorySource Files => _files ??= new DirectorySource(
        new DirectoryOptions(options.Root is null ? RepositoryDirectory : Path.Combine(RepositoryDirectory, options.Root), options.Paths, GitMetadata), context);
}
