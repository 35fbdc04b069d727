using System.Text.RegularExpressions;
using Syncplane.Config;
using Syncplane.Planning.TwoWay;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Engine.TwoWay;

/// <summary>The example in docs/bidirectional.md loads, and a bidirectional target that cannot work is refused when loaded.</summary>
public sealed partial class TwoWayConfigTests
{
    private static SyncplaneConfig Parse(string yaml) => ConfigLoader.Default.Parse(yaml, "/work/cfg/syncplane.yaml");

    [Fact]
    public void DocsExample_Loads()
    {
        var text = File.ReadAllText(RepositoryPaths.Combine("docs", "bidirectional.md"));
        var target = Parse(YamlBlock().Match(text).Groups[1].Value).Targets.Single();

        Assert.Equal((SyncDirection.Bidirectional, ConflictPolicy.Newer, 20.0), (target.Direction, target.Conflicts, target.MaxDelete!.Percent!.Value));
    }

    [Theory]
    [InlineData("conflicts: sometimes", "conflicts must be one of keep-both, newer, older, larger, smaller, source, destination, found 'sometimes'")]
    [InlineData("destination: { directory: { path: b, delete: false } }", "'delete: false' on the destination of bidirectional target 'both'")]
    [InlineData("source: { git: { url: https://example.com/r.git } }", "is bidirectional, which works between two directory connectors, not git and directory")]
    public void ABidirectionalTargetThatCannotWork_IsRefused(string line, string error)
    {
        var yaml = $"""
            targets:
              both:
                direction: bidirectional
                {line}
            """;
        if (!line.StartsWith("source:", StringComparison.Ordinal))
        {
            yaml += "\n    source: { directory: { path: a } }";
        }

        if (!line.StartsWith("destination:", StringComparison.Ordinal))
        {
            yaml += "\n    destination: { directory: { path: b } }";
        }

        var ex = Assert.Throws<ConfigException>(() => Parse(yaml));
        Assert.Contains(error, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConflictsOnAOneWayTarget_IsRefused()
    {
        var ex = Assert.Throws<ConfigException>(() => Parse("""
            targets:
              one:
                conflicts: newer
                source: { directory: { path: a } }
                destination: { directory: { path: b } }
            """));
        Assert.Contains("'conflicts' applies to bidirectional targets only; target 'one' syncs pull", ex.Message, StringComparison.Ordinal);
    }

    [GeneratedRegex("```yaml\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex YamlBlock();
}
