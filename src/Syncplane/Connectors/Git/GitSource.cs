using Syncplane.Connectors.Directory;
using Syncplane.Planning;

namespace Syncplane.Connectors.Git;

/// <summary>
/// The git source: updates a private clone under the target's state directory, then reads its checkout
/// as a directory (limited to <see cref="GitSourceOptions.Paths"/>, never <c>.git</c>). The snapshot's
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
        new GitCheckout(git, options, context.Secrets, context.Log).UpdateAsync(RepositoryDirectory, cancellationToken);

    public async Task<Snapshot> SnapshotAsync(CancellationToken cancellationToken)
    {
        var sha = await UpdateAsync(cancellationToken);
        var files = await Files.SnapshotAsync(cancellationToken);
        return new Snapshot(files.Items.Values) { Revision = sha };
    }

    public Task<Stream> OpenReadAsync(Item item, CancellationToken cancellationToken) => Files.OpenReadAsync(item, cancellationToken);

    public string? TryGetLocalPath(Item item) => Files.TryGetLocalPath(item);

    private DirectorySource Files => _files ??= new DirectorySource(new DirectoryOptions(RepositoryDirectory, options.Paths, GitMetadata), context);
}
