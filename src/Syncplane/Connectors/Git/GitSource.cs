using Syncplane.Connectors.Directory;
using Syncplane.Planning;

namespace Syncplane.Connectors.Git;

/// <summary>
/// The git source: updates a private clone under the target's state directory, then reads its checkout
/// as a directory (limited to <see cref="GitSourceOptions.Paths"/>, never <c>.git</c>, and only directories
/// that hold a selected file). The snapshot's
/// <see cref="Snapshot.Revision"/> is the commit SHA.
/// </summary>
internal sealed class GitSource(GitSourceOptions options, ConnectorContext context, GitCli git) : IItemSource
{
    private static readonly IReadOnlyList<Glob> GitMetadata = [Glob.Parse(".git"), Glob.Parse(".git/**")];
    private DirectorySource? _files;

    /// <summary>The clone: <c>&lt;state&gt;/targets/&lt;target&gt;/repo</c>.</summary>
    public string RepositoryDirectory => Path.Combine(context.TargetStateDirectory, "repo");

    /// <summary>Clones or fetches and checks out the configured ref; returns the commit SHA.</summary>
    public Task<string> UpdateAsync(CancellationToken cancellationToken) =>
        new GitCheckout(git, options, context.Secrets, context.Log, context.Budget).UpdateAsync(RepositoryDirectory, cancellationToken);

    public async Task<Snapshot> SnapshotAsync(CancellationToken cancellationToken)
    {
        var sha = await UpdateAsync(cancellationToken);
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

    public Task<Stream> OpenReadAsync(Item item, CancellationToken cancellationToken) => Files.OpenReadAsync(item, cancellationToken);

    public string? TryGetLocalPath(Item item) => Files.TryGetLocalPath(item);

    private DirectorySource Files => _files ??= new DirectorySource(new DirectoryOptions(RepositoryDirectory, options.Paths, GitMetadata), context);
}
