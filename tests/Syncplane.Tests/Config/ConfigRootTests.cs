using Syncplane.Config;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Config;

/// <summary>Where a config's relative paths point: its directory, the parent of a dot-directory, or <c>root:</c>.</summary>
public sealed class ConfigRootTests : IDisposable
{
    private const string Target = "targets:\n  t:\n    entrypoint: sync.sh\n";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void ConfigInAPlainDirectory_ResolvesAgainstThatDirectory()
    {
        var config = ConfigLoader.Default.Load(_dir.Write("ops/syncplane.yaml", Target));

        Assert.Equal(_dir.Combine("ops"), config.BaseDirectory);
        Assert.Equal(_dir.Combine("ops", ".syncplane"), config.StateDirectory);
    }

    [Fact]
    public void ConfigInADotDirectory_ResolvesAgainstItsParent_TheRepositoryRoot()
    {
        var config = ConfigLoader.Default.Load(_dir.Write(".insightpulse/sync.yaml", Target + "    outputs: [\"docs/**\"]\n"));

        Assert.Equal(_dir.Path, config.BaseDirectory);
        Assert.Equal(_dir.Combine(".syncplane"), config.StateDirectory);
    }

    [Fact]
    public void ExplicitRoot_IsRelativeToTheConfigFile_AndStateDirFollowsIt()
    {
        Directory.CreateDirectory(_dir.Combine("site"));

        var config = ConfigLoader.Default.Load(_dir.Write(".insightpulse/sync.yaml", "root: ../site\nstate_dir: var/state\n" + Target));

        Assert.Equal(_dir.Combine("site"), config.BaseDirectory);
        Assert.Equal(_dir.Combine("site", "var", "state"), config.StateDirectory);
    }

    [Fact]
    public void ExplicitRoot_ThatIsNoDirectory_IsAnErrorAtTheKey()
    {
        var path = _dir.Write("syncplane.yaml", "root: missing\n" + Target);

        var error = Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Default.Load(path)).Errors);

        Assert.Equal(1, error.Line);
        Assert.Contains($"root 'missing' is {_dir.Combine("missing")}, which is not a directory", error.Message, StringComparison.Ordinal);
    }
}
