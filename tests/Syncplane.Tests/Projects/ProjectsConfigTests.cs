using System.Text.RegularExpressions;
using Syncplane.Config;
using Syncplane.Projects;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Projects;

/// <summary>docs/projects.md's example loads with the owners it describes; overlaps and writes outside a project's destinations are config errors.</summary>
public sealed partial class ProjectsConfigTests
{
    private const string File = "/work/cfg/syncplane.yaml";

    internal static string Example()
    {
        var text = System.IO.File.ReadAllText(RepositoryPaths.Combine("docs", "projects.md"));
        return YamlBlock().Match(text).Groups[1].Value;
    }

    [Fact]
    public void DocsExample_Loads_WithEachTargetCheckAndDocumentOwned()
    {
        var config = ConfigLoader.Default.Parse(Example(), File);

        Assert.Equal(["web", "data"], config.Projects.Items.Select(p => p.Name));
        Assert.Equal(("web", "web", "data"), (config.Projects.OfTarget("web-site"), config.Projects.OfTarget("web-assets"), config.Projects.OfTarget("data-orders")));
        Assert.Equal(("web", "web"), (config.Projects.OfCheck("web-home"), config.Projects.OfDocument("web-assets")));
        var web = ProjectScope.For(config.Projects, "web");
        Assert.True(web.SeesTarget("web-site") && web.SeesDocument("web-assets") && web.SeesCheck("web-home"));
        Assert.False(web.SeesTarget("data-orders"));
        Assert.False(ProjectScope.For(config.Projects, "gone").SeesTarget("web-site"));
    }

    [Fact]
    public void ATargetInTwoProjects_IsAnError()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Default.Parse(Example().Replace("targets: [data-orders]", "targets: [data-orders, web-site]", StringComparison.Ordinal), File));

        Assert.Contains("target 'web-site' belongs to projects 'web' and 'data'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("directories: [./served/web]", "directories: [./served/other]", "target 'web-site' of project 'web' writes to directory '/work/cfg/served/web/site', outside the allowed directories (/work/cfg/served/other)")]
    [InlineData("documents: [web-assets]", "documents: []", "target 'web-assets' of project 'web' writes document 'web-assets', not one of the allowed documents (none)")]
    [InlineData("targets: [data-orders]", "targets: [data-orders, nope]", "project 'data' lists target 'nope', which is not declared")]
    [InlineData("  data:\n", "  Data!:\n", "project name 'Data!' must be lowercase letters")]
    [InlineData("web-site:\n    source:", "web-site:\n    depends_on: [data-orders]\n    source:", "target 'web-site' of project 'web' depends on target 'data-orders' of project 'data'; a project's targets may depend on and require only its own targets and checks")]
    [InlineData("data-orders:\n    source:", "data-orders:\n    requires: [web-home]\n    source:", "target 'data-orders' of project 'data' requires check 'web-home' of project 'web'")]
    [InlineData("targets: [data-orders]", "targets: [data-orders]\n    webhooks: { github: { secret: hunter2 } }", "projects.data.webhooks.github.secret must be a secret reference")]
    [InlineData("targets: [data-orders]", "targets: [data-orders]\n    webhooks: { max_body: 1MiB }", "unknown key 'max_body' in projects.data.webhooks")]
    public void WritesOutsideAProjectsDestinations_AndUnknownNames_AreErrors(string find, string replace, string message)
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Default.Parse(Example().Replace(find, replace, StringComparison.Ordinal), File));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEntrypointTarget_CannotBeConfinedToDestinations()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Default.Parse("""
            targets:
              web-build: { entrypoint: "make" }
            projects:
              web: { targets: [web-build], destinations: { directories: [./out] } }
            """, File));

        Assert.Contains("target 'web-build' of project 'web' runs an entrypoint script", error.Message, StringComparison.Ordinal);
    }

    [GeneratedRegex("```yaml\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex YamlBlock();
}
