using Syncplane.Config;

namespace Syncplane.Tests.Config;

/// <summary>How the YAML layer (<see cref="ConfigNodeParser"/>) builds nodes: aliases, duplicate keys, positions.</summary>
public class YamlStructureTests
{
    private static SyncplaneConfig Parse(string yaml) => ConfigLoader.Default.Parse(yaml, "/work/cfg/syncplane.yaml");

    private static ConfigError SingleError(string yaml) => Assert.Single(Assert.Throws<ConfigException>(() => Parse(yaml)).Errors);

    [Fact]
    public void Parse_AliasOfAnAnchoredMapping_BindsAsThatMapping()
    {
        var config = Parse("""
            targets:
              docs: &docs { entrypoint: a.sh, schedule: hourly }
              copy: *docs
            """);

        Assert.Equal(["docs", "copy"], config.Targets.Select(t => t.Name));
        Assert.All(config.Targets, t => Assert.Equal(("a.sh", "hourly"), (t.Entrypoint, t.Schedule.Text)));
    }

    [Fact]
    public void Parse_AliasInsideItsOwnAnchor_IsAnErrorAtTheAlias()
    {
        var error = SingleError("""
            targets:
              docs: &a { entrypoint: a.sh, config: *a }
            """);

        Assert.Equal((2, 40), (error.Line, error.Column));
        Assert.Contains("the alias *a names no anchor defined before it", error.Message);
    }

    [Fact]
    public void Parse_DuplicateKeyInsideATarget_IsAnErrorAtTheRepeat()
    {
        var error = SingleError("""
            targets:
              docs:
                entrypoint: a.sh
                schedule: hourly
                "entrypoint": b.sh
            """);

        Assert.Equal((5, 5), (error.Line, error.Column));
        Assert.Equal("duplicate key 'entrypoint'; each key may appear once in a mapping", error.Message);
    }

    [Fact]
    public void Parse_SyntaxErrorInALaterDocument_IsStillAnError()
    {
        var error = SingleError("""
            targets:
              docs: { entrypoint: a.sh }
            ---
            targets: [
            """);

        Assert.StartsWith("invalid YAML:", error.Message);
    }

    [Fact]
    public void Parse_NullTargetName_IsOneErrorAboutTheName()
    {
        var error = SingleError("""
            targets:
              ~: { entrypoint: a.sh }
            """);

        Assert.Equal((2, 3), (error.Line, error.Column));
        Assert.StartsWith("target name '' may only contain", error.Message);
    }
}
