using System.Text.RegularExpressions;
using Syncplane.Connectors.Git;
using Syncplane.Notifications;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Config;

public partial class ConfigurationDocsTests
{
    [Fact]
    public void Seed001Example_MapsLikeTheSeedsCpLines()
    {
        var config = Parse(Seeds.Seed001LiveSyncTests.DocExample());
        var target = config.Targets.Single();
        var git = Assert.IsType<GitSourceOptions>(target.Source!.Options);

        Assert.Equal(
            [
                new GitPathMapping("docs", "docs/lz-reference"), new GitPathMapping("pmo.yaml", "config/lz-pmo.yaml"),
                new GitPathMapping("ENFORCEMENT_GATES.md", "docs/lz-reference/ENFORCEMENT_GATES.md"), new GitPathMapping("RUNBOOKS.md", "docs/lz-reference/RUNBOOKS.md"),
            ],
            git.Map!.Entries);
        Assert.Equal("chore(sync): update from landing zone [{date}]", target.GitCommit!.Message);
        var portal = config.Notifiers.Single();
        Assert.Equal((NotificationFormat.GitHubDispatch, "lz-update"), (portal.Format, portal.EventType));
        Assert.Equal(["changed"], portal.On);
        Assert.NotNull(portal.ClientPayload);
    }

    [Fact]
    public void ReadmeConfigurationExample_Loads_LzDocsTakesTheContentsOfDocs()
    {
        var readme = File.ReadAllText(RepositoryPaths.Combine("README.md"));
        var yaml = ReadmeYaml().Matches(readme).Select(m => m.Groups[1].Value).Single(y => y.Contains("targets:", StringComparison.Ordinal));

        var config = Parse(yaml);

        var git = Assert.IsType<GitSourceOptions>(config.Targets.Single(t => t.Name == "lz-docs").Source!.Options);
        Assert.Equal("docs", git.Root);
        Assert.Empty(git.Paths);
        Assert.Equal(2, config.Targets.Count);
    }

    [GeneratedRegex("```yaml\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ReadmeYaml();
}
