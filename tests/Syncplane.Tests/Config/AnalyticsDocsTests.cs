using System.Text.RegularExpressions;
using Syncplane.Config;
using Syncplane.Storage.Rollups;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Config;

/// <summary>The retention example of docs/analytics.md loads, and says the defaults that <see cref="RetentionPolicy"/> has.</summary>
public sealed partial class AnalyticsDocsTests
{
    internal static string RetentionExample()
    {
        var text = File.ReadAllText(RepositoryPaths.Combine("docs", "analytics.md"));
        return YamlBlock().Match(text[text.IndexOf("\n## Retention\n", StringComparison.Ordinal)..]).Groups[1].Value;
    }

    [Fact]
    public void RetentionExample_Loads_WithTheDefaults()
    {
        var config = ConfigLoader.Default.Parse(RetentionExample(), "/work/cfg/syncplane.yaml");

        Assert.Equal(new RetentionPolicy(), config.Retention);
        Assert.Equal(TimeSpan.FromDays(90), config.Retention.Runs);
    }

    [Fact]
    public void Retention_TooShortOrUnknownKey_FailsWithWhere()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Default.Parse("""
            retention: { runs: 10m, forever: true }
            targets:
              docs: { entrypoint: "true" }
            """, "/work/cfg/syncplane.yaml"));

        Assert.Contains("retention 'runs' must be at least 1h", error.Message, StringComparison.Ordinal);
        Assert.Contains("forever", error.Message, StringComparison.Ordinal);
    }

    [GeneratedRegex("```yaml\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex YamlBlock();
}
