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

    [Theory]
    [InlineData("---\ntargets:\n  more: { entrypoint: b.sh }\nbogus: 1\n")]
    [InlineData("--- ~\n")]
    [InlineData("---\ntargets: [\n")]
    public void Parse_ASecondDocument_IsAnErrorAtItsStart(string secondDocument)
    {
        var error = SingleError("targets:\n  docs: { entrypoint: a.sh }\n" + secondDocument);

        Assert.Equal((3, 1), (error.Line, error.Column));
        Assert.StartsWith("a second YAML document starts here; a config file holds one document", error.Message);
    }

    [Theory]
    [InlineData("---\n")]
    [InlineData("---\n# nothing but a comment\n")]
    [InlineData("...\n")]
    [InlineData("...\n---\n...\n")]
    public void Parse_EmptyLaterDocumentsOrAnEndMarker_AreAccepted(string tail)
    {
        var config = Parse("---\ntargets:\n  docs: { entrypoint: a.sh }\n" + tail);

        Assert.Equal(["docs"], config.Targets.Select(t => t.Name));
    }

    public static TheoryData<string, int, int> TooDeep => new()
    {
        { "targets: " + new string('[', 50_000), 1, 10 + 63 },
        { "targets: " + string.Concat(Enumerable.Repeat("{a: ", 50_000)), 1, 10 + (63 * 4) },
        { "targets:\n  " + string.Concat(Enumerable.Repeat("- ", 50_000)) + "x", 2, 3 + (63 * 2) },
        { "targets:\n" + string.Concat(Enumerable.Range(1, 70).Select(i => new string(' ', 2 * i) + "k:\n")), 65, 129 },
        { "x0: &a0 [1]\n" + string.Concat(Enumerable.Range(1, 70).Select(i => $"x{i}: &a{i} [*a{i - 1}]\n")), 64, 12 },
    };

    [Theory]
    [MemberData(nameof(TooDeep))]
    public void Parse_NestingDeeperThanTheCap_IsAnErrorWhereItGoesTooDeep(string yaml, int line, int column)
    {
        var error = SingleError(yaml);

        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.Equal($"invalid YAML: mappings and lists nest deeper than {ConfigNodeParser.MaxDepth} levels here; a config needs only a few", error.Message);
    }

    [Fact]
    public void Parse_NestingAtTheCap_IsReadAsYaml()
    {
        // 63 lists inside the top-level mapping: as deep as allowed, so the complaint is about the value, not the depth.
        var error = SingleError("targets: " + new string('[', 63) + new string(']', 63));

        Assert.Equal((1, 10), (error.Line, error.Column));
        Assert.Equal("targets must be a mapping, found a list", error.Message);
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
