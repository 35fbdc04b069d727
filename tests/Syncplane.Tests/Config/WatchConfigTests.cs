using Syncplane.Config;
using Syncplane.Connectors.Directory;
using Syncplane.Engine.Watch;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Config;

public class WatchConfigTests
{
    private static SyncplaneConfig Parse(string yaml) => ConfigLoader.Default.Parse(yaml, "/work/cfg/syncplane.yaml");

    private static string Target(string source, string extra = "schedule: daily", string destination = "directory: { path: ./out }") =>
        $"targets:\n  mirror:\n    source:\n      directory: {source}\n    destination:\n      {destination}\n    {extra}\n";

    private static string SingleError(string yaml) => Assert.Single(Assert.Throws<ConfigException>(() => Parse(yaml)).Errors).Message;

    [Fact]
    public void WatchTrue_WatchesWithTheDefaultDebounce()
    {
        var target = Parse(Target("{ path: ./in, watch: true }")).Targets[0];

        Assert.Equal(new WatchOptions(true, TimeSpan.FromMilliseconds(50)), WatchedTargets.Of(target));
    }

    [Fact]
    public void WatchWithADebounce_WatchesWithIt()
    {
        var target = Parse(Target("{ path: ./in, watch: { debounce: 200ms } }")).Targets[0];

        Assert.Equal(new WatchOptions(true, TimeSpan.FromMilliseconds(200)), WatchedTargets.Of(target));
    }

    [Fact]
    public void RealtimePreset_TurnsWatchingOn_UnlessWatchIsFalse()
    {
        Assert.Equal(WatchOptions.On, WatchedTargets.Of(Parse(Target("{ path: ./in }", "schedule: realtime")).Targets[0]));
        Assert.Null(WatchedTargets.Of(Parse(Target("{ path: ./in, watch: false }", "schedule: realtime")).Targets[0]));
        Assert.Null(WatchedTargets.Of(Parse(Target("{ path: ./in }", "schedule: 5min")).Targets[0]));
    }

    [Theory]
    [InlineData("{ path: ./in, watch: yes-please }", "'watch' must be true or false")]
    [InlineData("{ path: ./in, watch: { debounce: soon } }", "'debounce' must be a duration such as 500ms")]
    [InlineData("{ path: ./in, watch: { debounce: 2m } }", "'debounce' must be at most 1m, found 2m")]
    [InlineData("{ path: ./in, watch: { delay: 50ms } }", "unknown key 'delay' in watch; expected one of: debounce")]
    public void BadWatchOption_IsAClearError(string source, string expected)
    {
        Assert.Contains(expected, SingleError(Target(source)), StringComparison.Ordinal);
    }

    [Fact]
    public void WatchOnTheDestination_IsAnError()
    {
        var message = SingleError(Target("{ path: ./in }", destination: "directory: { path: ./out, watch: true }"));

        Assert.Contains("'watch' of target 'mirror' belongs to its directory source, not its destination", message, StringComparison.Ordinal);
    }

    [Fact]
    public void WatchOnATwoWayTarget_IsAnError()
    {
        var message = SingleError(Target("{ path: ./in, watch: true }", "direction: bidirectional"));

        Assert.Contains("two-way targets are not watched", message, StringComparison.Ordinal);
    }

    [Fact]
    public void WatchDocsExample_Loads_WithOneTargetWatchedByTheOptionAndOneByRealtime()
    {
        var text = File.ReadAllText(RepositoryPaths.Combine("docs", "watch.md"));
        var yaml = text[(text.IndexOf("```yaml\n", StringComparison.Ordinal) + 8)..];
        var config = Parse(yaml[..yaml.IndexOf("```", StringComparison.Ordinal)]);

        Assert.Equal([WatchOptions.On, WatchOptions.On], config.Targets.Select(WatchedTargets.Of));
    }
}
