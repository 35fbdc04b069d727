using Syncplane.Config;
using Syncplane.Scheduling;

namespace Syncplane.Tests.Config;

public class ConfigLoaderTests
{
    private static SyncplaneConfig Parse(string yaml) => ConfigLoader.Default.Parse(yaml, "/work/cfg/syncplane.yaml");

    private static ConfigError SingleError(string yaml)
    {
        var ex = Assert.Throws<ConfigException>(() => Parse(yaml));
        return Assert.Single(ex.Errors);
    }

    [Fact]
    public void Load_Seed004Config_LoadsEveryTargetAndSafetySection()
    {
        var config = ConfigLoader.Default.Load(Path.Combine(AppContext.BaseDirectory, "Config", "Fixtures", "seed004.sync.yaml"));

        Assert.Equal(
            ["oca_repos", "claude_config", "apps_truth", "live_to_docs", "skillsmith_catalog", "my_new_target"],
            config.Targets.Select(t => t.Name));
        var oca = config.Targets[0];
        Assert.Equal(SyncDirection.Pull, oca.Direction);
        Assert.Equal("scripts/sync-oca-repos.sh", oca.Entrypoint);
        Assert.Equal(ScheduleKind.Cron, oca.Schedule.Kind);
        Assert.Equal("0 2 * * *", oca.Schedule.Text);
        Assert.Equal(100, oca.Verification!.ExpectedMin);
        Assert.NotNull(oca.GitCommit); // defaults.git_commit: true
        Assert.Equal("insightpulse_odoo/addons/oca/**", Assert.Single(oca.Outputs).Pattern);
        Assert.Equal(SyncDirection.Bidirectional, config.Defaults.Direction);
        Assert.Equal("docs/claude-code-skills", config.Targets[1].Config["skills_dir"]);
        Assert.Equal(6, config.Safety.SecretPatterns.Count);
        Assert.Equal(1, config.Safety.PreSyncChecks[1].ExpectedExitCode);
        Assert.True(config.Safety.PostSyncChecks[0].SkipOnPush);
        Assert.Equal(0, config.Safety.DriftGates[0].MaxDriftScore);
        Assert.Equal(100, config.Safety.DriftGates[1].MinValue);
    }

    [Fact]
    public void Parse_UnknownTargetKey_NamesLineColumnAndExpectedKeys()
    {
        var error = SingleError("""
            targets:
              docs:
                entrypoint: sync.sh
                shedule: "0 2 * * *"
            """);

        Assert.Equal(4, error.Line);
        Assert.Equal(5, error.Column);
        Assert.Contains("unknown key 'shedule'", error.Message);
        Assert.Contains("schedule", error.Message);
    }

    [Fact]
    public void Parse_WrongType_SaysWhatWasExpected()
    {
        var error = SingleError("""
            targets:
              docs:
                entrypoint: sync.sh
                verification: { command: "true", expected_min: lots }
            """);

        Assert.Equal(4, error.Line);
        Assert.Contains("'expected_min' must be a whole number, found 'lots'", error.Message);
    }

    [Theory]
    [InlineData("timeout: 5 minutes", "'timeout' must be a duration")]
    [InlineData("schedule: \"61 * * * *\"", "invalid schedule '61 * * * *'")]
    [InlineData("outputs: [\"docs/[a\"]", "invalid glob 'docs/[a'")]
    [InlineData("direction: sideways", "direction must be pull, push or bidirectional")]
    [InlineData("env: { TOKEN: \"${vault:x}\" }", "is not a secret reference")]
    public void Parse_BadValue_IsRejectedWithPosition(string line, string expected)
    {
        var error = SingleError($"""
            targets:
              docs:
                entrypoint: sync.sh
                {line}
            """);

        Assert.Equal(4, error.Line);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Parse_DuplicateTargetName_IsAnError()
    {
        var error = SingleError("""
            targets:
              docs: { entrypoint: a.sh }
              docs: { entrypoint: b.sh }
            """);

        Assert.Equal(3, error.Line);
        Assert.Contains("duplicate key 'docs'", error.Message);
    }

    [Fact]
    public void Parse_UnknownConnector_ListsKnownOnes()
    {
        var error = SingleError("""
            targets:
              docs:
                source: { ftp: { host: x } }
                destination: { directory: { path: out } }
            """);

        Assert.Equal(3, error.Line);
        Assert.Contains("unknown connector 'ftp'", error.Message);
        Assert.Contains("directory", error.Message);
    }

    [Fact]
    public void Parse_SeveralErrors_ReportsAllInFileOrder()
    {
        var ex = Assert.Throws<ConfigException>(() => Parse("""
            version: 7
            targets:
              a: { entrypoint: a.sh, timeout: forever }
              b: { }
            """));

        Assert.Equal([1, 3, 4], ex.Errors.Select(e => e.Line));
        Assert.All(ex.Errors, e => Assert.Equal("/work/cfg/syncplane.yaml", e.File));
    }

    [Fact]
    public void Parse_InvalidYaml_ReportsPosition()
    {
        var error = SingleError("targets:\n  a: [unclosed\n");

        Assert.Contains("invalid YAML", error.Message);
        Assert.True(error.Line >= 2);
    }

    [Fact]
    public void Parse_MaxDelete_AcceptsCountOrPercent()
    {
        var config = Parse("""
            targets:
              a: { entrypoint: a.sh, safety: { max_delete: 10% } }
              b: { entrypoint: b.sh, safety: { max_delete: 25 } }
            """);

        Assert.Equal(10, config.Targets[0].MaxDelete!.Percent);
        Assert.Equal(25, config.Targets[1].MaxDelete!.Count);
    }

    [Fact]
    public void Parse_StateDirectory_DefaultsNextToTheConfig() =>
        Assert.Equal("/work/cfg/.syncplane", Parse("targets: { a: { entrypoint: a.sh } }").StateDirectory);

    // With 100,000 targets the kept trees were about 38 MB of a serve's heap; the validators that need positions run before they go.
    [Fact]
    public void Parse_LoadedConfig_KeepsNoTargetsParsedYaml_WhileErrorsStillNameTheirLine()
    {
        var config = Parse("""
            targets:
              a: { entrypoint: a.sh, depends_on: [b] }
              b: { entrypoint: b.sh }
            """);
        Assert.All(config.Targets, t => Assert.Null(t.Node));

        var ex = Assert.Throws<ConfigException>(() => Parse("""
            targets:
              a: { entrypoint: a.sh }
              b: { entrypoint: b.sh, depends_on: [c] }
            """));
        Assert.Equal(3, Assert.Single(ex.Errors).Line);
    }
}
