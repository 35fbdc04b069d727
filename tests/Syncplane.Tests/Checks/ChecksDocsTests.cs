using System.Text.Json;
using System.Text.RegularExpressions;
using Syncplane.Checks;
using Syncplane.Config;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Checks;

/// <summary>The examples in docs/checks.md are loaded here, so they cannot rot.</summary>
public sealed partial class ChecksDocsTests
{
    private static readonly string Text = File.ReadAllText(RepositoryPaths.Combine("docs", "checks.md"));

    [Fact]
    public void EveryYamlExample_Loads()
    {
        var blocks = Block("yaml").ToList();

        Assert.Equal(4, blocks.Count);
        var configs = blocks.Select(yaml => ConfigLoader.Default.Parse(yaml, "/work/cfg/syncplane.yaml")).ToList();
        var (shortForm, longForm) = (configs[0].Checks.Find("github-api")!, configs[0].Checks.Find("github-api-long")!);
        Assert.Equal((((HttpCheckOptions)shortForm.Options).Url, shortForm.DegradedAfter), (((HttpCheckOptions)longForm.Options).Url, longForm.DegradedAfter));
        Assert.Empty(configs[1].Targets);
        Assert.Equal(["AuthCheck", "AuthCheck", "GitSync", "DockerSync", "GCPSync", "CloudflareCheck", "CloudflareCheck", null, null], configs[1].Checks.Items.Select(c => c.Section));
        Assert.Equal(["Cloudflare (vizual-x.com)", "GitHub API", "Google Cloud API"], configs[1].Checks.Items.Skip(6).Select(c => c.SeedName));
        Assert.Equal(["cloudflare", "github", "gcp"], configs[1].Checks.Items.Skip(6).Select(c => c.Name));
        Assert.Equal("gh auth status", ((CommandCheckOptions)configs[1].Checks.Find("GitHubCLI")!.Options).Command);
        Assert.Equal(TimeSpan.FromMinutes(5), configs[2].Checks.Find("repo")!.CacheTtl);
        var slack = Assert.Single(configs[3].Notifiers);
        Assert.Equal(["check.changed"], slack.On);
        Assert.Equal("repo", slack.Checks.Single().Pattern);
    }

    [Fact]
    public void StatusFileExample_HasTheShapeTheCodeWrites()
    {
        using var documented = JsonDocument.Parse(Block("json").First());
        var result = new CheckResult { Name = "repo", Kind = "git", Status = CheckStatus.Degraded, Message = "m", CheckedAt = TimeProvider.System.GetUtcNow() };
        using var written = JsonDocument.Parse(CheckStatusDocument.Build([result], new ChecksConfig(), result.CheckedAt).ToJsonString());

        Assert.Equal(Keys(written.RootElement), Keys(documented.RootElement));
        Assert.Equal(Keys(written.RootElement.GetProperty("status").GetProperty("repo")), Keys(documented.RootElement.GetProperty("status").GetProperty("GitSync")));
        Assert.Equal(Keys(written.RootElement.GetProperty("checks").GetProperty("repo")), Keys(documented.RootElement.GetProperty("checks").GetProperty("repo")));
        Assert.Equal(Keys(written.RootElement.GetProperty("heartbeats")[0]), Keys(documented.RootElement.GetProperty("heartbeats")[0]));
        Assert.Equal(Keys(written.RootElement.GetProperty("counts")), Keys(documented.RootElement.GetProperty("counts")));
    }

    private static IEnumerable<string> Block(string language) =>
        CodeBlock().Matches(Text).Where(m => m.Groups[1].Value == language).Select(m => m.Groups[2].Value);

    private static List<string> Keys(JsonElement element) => element.EnumerateObject().Select(p => p.Name).ToList();

    [GeneratedRegex("```(\\w+)\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();
}
