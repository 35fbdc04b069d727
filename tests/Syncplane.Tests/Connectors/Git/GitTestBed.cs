using Syncplane.Config;
using Syncplane.Connectors;
using Syncplane.Connectors.Git;
using Syncplane.Engine.Process;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Connectors.Git;

/// <summary>A scratch directory with an empty HOME, an upstream repository and a state directory for git source tests.</summary>
internal sealed class GitTestBed : IDisposable
{
    public GitTestBed()
    {
        Home = Dir["home"];
        System.IO.Directory.CreateDirectory(Home);
        Upstream = TestGitRepository.Init(Dir["upstream"], Home);
        Environment = TestGitRepository.IsolatedEnvironment(Home);
        foreach (var proxy in new[] { "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY" })
        {
            Environment[proxy] = null;
        }
    }

    public TempDirectory Dir { get; } = new();

    public string Home { get; }

    public TestGitRepository Upstream { get; }

    public Dictionary<string, string?> Environment { get; }

    public TestRunLog Log { get; } = new();

    public GitCli Git => new(new ProcessRunner(TimeProvider.System), Environment);

    public ConnectorContext Context(Func<string, string?>? secrets = null) =>
        new("docs", Dir.Path, Dir["state"], new SecretResolver(Dir.Path, secrets ?? (_ => null)), Log, TimeProvider.System);

    public GitSource Source(GitSourceOptions options, Func<string, string?>? secrets = null) => new(options, Context(secrets), Git);

    public GitSourceOptions Options(Func<GitSourceOptions, GitSourceOptions>? change = null)
    {
        var options = new GitSourceOptions(Upstream.Path, "../upstream");
        return change is null ? options : change(options);
    }

    /// <summary>Runs git in the clone a source made.</summary>
    public string InClone(GitSource source, params string[] arguments) => new TestGitRepository(source.RepositoryDirectory, Home).Run(arguments);

    public void Dispose() => Dir.Dispose();
}
