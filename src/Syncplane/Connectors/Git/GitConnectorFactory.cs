using Syncplane.Config;
using Syncplane.Engine.Process;

namespace Syncplane.Connectors.Git;

/// <summary>
/// The <c>git</c> connector: a source that clones or fetches a repository with the git command line and
/// snapshots its checkout (<c>source: { git: { url: …, branch: main, paths: [docs/**] } }</c>).
/// </summary>
internal sealed class GitConnectorFactory : IConnectorFactory
{
    public string Type => ConnectorTypes.Git;

    public bool CanBeSource => true;

    public bool CanBeDestination => false;

    public object? Bind(ConfigNode options, ConfigReader reader) => GitSourceOptionsBinder.Bind(options, reader);

    public IItemSource CreateSource(object options, ConnectorContext context) =>
        new GitSource((GitSourceOptions)options, context, new GitCli(new ProcessRunner(context.Time)));

    public IItemDestination CreateDestination(object options, ConnectorContext context) =>
        throw new NotSupportedException(
            "git is a source only; to commit what a sync writes, use a directory destination inside a work tree with git_commit");
}
