using System.Text;
using System.Text.RegularExpressions;
using Syncplane.Config;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Config;

/// <summary>
/// <see cref="PlainYamlReader"/> (the fast path of config loading) must read every file it accepts exactly as
/// YamlDotNet does, node for node and position for position, and give up on everything else.
/// </summary>
public partial class PlainYamlReaderTests
{
    private const string File = "/work/cfg/syncplane.yaml";

    private static readonly string[] SampleDirectories = ["quickstart", "tests", "examples", "bench"];

    [Theory]
    [InlineData("version: 1\ntargets:\n  t000001: { entrypoint: \"true\", schedule: \"1 3 1 1 *\" }\n  t000002: { entrypoint: \"true\", schedule: \"2 3 1 1 *\" }\n")]
    [InlineData("# a comment\n\ntargets:   # trailing comment\n  docs:\n    entrypoint: ./sync.sh   # why\n    schedule: '*/5 * * * *'\n    description: it''s a #1 target\n")]
    [InlineData("targets:\n  a:\n    source: { directory: { path: src } }\n    destination: { directory: { path: dst, delete: true } }\n    inputs: [docs/**, 'a b', \"c\"]\n    env: {}\n    requires: []\n")]
    [InlineData("safety:\n  pre_sync_checks:\n    - name: lint\n      command: make lint\n    - name: test\n      command: make test\n      expected_exit_code: 0\ntargets:\n  a: { entrypoint: a.sh }\n")]
    [InlineData("targets:\n  a:\n    inputs:\n    - one\n    - two\n    outputs:\n      - \"x\"\n    entrypoint: ~\n    description: null\n  b.c-d_e: { entrypoint: run.sh, timeout: 5m }\n")]
    [InlineData("targets:\n  a: { entrypoint: 'run.sh', config: { url: \"https://example.com/a#b\", n: -5, q: 'x: y' } }\n")]
    [InlineData("targets:\n  a:\n    entrypoint: echo http://example.com/a:b {x} [y], z\n    working_dir: \"\"\n")]
    [InlineData("  targets:\n    a: { entrypoint: a.sh }\n")]
    [InlineData("targets:\n  a: { entrypoint: a.sh, inputs: [ [x], {k: v} ] }\n")]
    public void TryRead_TheSubsetItKnows_ReadsAsYamlDotNetDoes(string yaml)
    {
        var plain = PlainYamlReader.TryRead(yaml, File);

        Assert.NotNull(plain);
        AssertSame(ConfigNodeParser.ParseWithYamlDotNet(yaml, File), plain, "");
    }

    [Theory]
    [InlineData("targets:\n  a: &x { entrypoint: a.sh }\n  b: *x\n")]                  // anchors and aliases
    [InlineData("targets:\n  a:\n    entrypoint: |\n      echo hi\n")]                  // block scalar
    [InlineData("targets:\n  a:\n    description: one\n      two\n")]                  // plain scalar over two lines
    [InlineData("targets:\n  a: { entrypoint: \"a\\tb\" }\n")]                           // escape
    [InlineData("targets:\n  a: { entrypoint: a.sh }\n  a: { entrypoint: b.sh }\n")]     // duplicate key
    [InlineData("targets:\n\ta: { entrypoint: a.sh }\n")]                               // tab
    [InlineData("targets:\r\n  a: { entrypoint: a.sh }\r\n")]                           // CRLF
    [InlineData("targets:\n  a:\n")]                                                     // empty value
    [InlineData("targets:\n  a: { entrypoint: a.sh,\n    schedule: hourly }\n")]          // flow over two lines
    [InlineData("---\ntargets:\n  a: { entrypoint: a.sh }\n")]                          // document marker
    [InlineData("targets:\n  a: { entrypoint: a.sh }\n---\nb: 1\n")]                   // second document
    [InlineData("targets:\n  \"a\": { entrypoint: a.sh }\n")]                            // quoted key
    [InlineData("targets:\n  a: { entrypoint: !!str a.sh }\n")]                          // tag
    [InlineData("targets:\n  a: { entrypoint: a: b }\n")]                                // invalid
    [InlineData("targets:\n  a:\n    entrypoint: a: b\n")]                               // invalid
    [InlineData("targets:\n  a: { entrypoint: a.sh }\n b: 1\n")]                        // bad indentation
    [InlineData("targets:\n  a: { entrypoint: a.sh } x\n")]                              // text after a flow mapping
    [InlineData("- a\n- b\n")]                                                           // a list at the root
    [InlineData("# only a comment\n")]                                                   // empty
    public void TryRead_AnythingElse_GivesUp_SoYamlDotNetReadsIt(string yaml)
    {
        Assert.Null(PlainYamlReader.TryRead(yaml, File));
    }

    [Fact]
    public void TryRead_ManyTargetsOnAFewScheduleLines_SharesTheRepeatedStrings()
    {
        var yaml = new StringBuilder("version: 1\ntargets:\n");
        for (var i = 0; i < 1000; i++)
        {
            yaml.Append(System.Globalization.CultureInfo.InvariantCulture, $"  t{i:000000}: {{ entrypoint: \"true\", schedule: \"{i % 60} 3 1 1 *\" }}\n");
        }

        var plain = PlainYamlReader.TryRead(yaml.ToString(), File);

        Assert.NotNull(plain);
        AssertSame(ConfigNodeParser.ParseWithYamlDotNet(yaml.ToString(), File), plain, "");
        var targets = plain["targets"]!.Entries;
        Assert.Same(targets[0].Value["schedule"]!.Value, targets[60].Value["schedule"]!.Value);
        Assert.Same(targets[0].Value.Entries[0].Key.Value, targets[999].Value.Entries[0].Key.Value);
    }

    [Fact]
    public void EveryConfigInTheDocsAndTests_ReadsAsYamlDotNetDoes_OrGivesUp()
    {
        var accepted = 0;
        var samples = Samples().ToList();
        foreach (var (source, yaml) in samples)
        {
            ConfigNode? expected;
            try
            {
                expected = ConfigNodeParser.ParseWithYamlDotNet(yaml, File);
            }
            catch (ConfigException)
            {
                expected = null;
            }

            var plain = PlainYamlReader.TryRead(yaml, File);
            if (plain is null)
            {
                continue;
            }

            Assert.True(expected is not null, $"{source}: the fast path read YAML that YamlDotNet refuses:\n{yaml}");
            AssertSame(expected, plain, source + ": ");
            accepted++;
        }

        // Most configs are in the subset: the fast path is what loads them.
        Assert.True(samples.Count > 100 && accepted > samples.Count / 2, $"{accepted} of {samples.Count} samples read by the fast path");
    }

    private static IEnumerable<(string Source, string Yaml)> Samples()
    {
        var root = RepositoryPaths.Root;
        var docs = Directory.GetFiles(Path.Combine(root, "docs"), "*.md").Append(Path.Combine(root, "README.md"));
        foreach (var path in docs)
        {
            foreach (Match block in MarkdownYaml().Matches(System.IO.File.ReadAllText(path)))
            {
                yield return (Path.GetRelativePath(root, path), block.Groups[1].Value);
            }
        }

        foreach (var dir in SampleDirectories.Select(d => Path.Combine(root, d)).Where(Directory.Exists))
        {
            foreach (var path in Directory.EnumerateFiles(dir, "*.yaml", SearchOption.AllDirectories).Where(p => !p.Contains("/bin/", StringComparison.Ordinal) && !p.Contains("/obj/", StringComparison.Ordinal)))
            {
                yield return (Path.GetRelativePath(root, path), System.IO.File.ReadAllText(path));
            }
        }

        // The configs the tests write inline, as raw string literals without interpolation.
        foreach (var path in Directory.EnumerateFiles(Path.Combine(root, "tests"), "*.cs", SearchOption.AllDirectories))
        {
            foreach (Match literal in RawString().Matches(System.IO.File.ReadAllText(path)))
            {
                var indent = literal.Groups["indent"].Value;
                var lines = literal.Groups["body"].Value.Split('\n').Select(l => l.StartsWith(indent, StringComparison.Ordinal) ? l[indent.Length..] : l.TrimStart(' '));
                var yaml = string.Join('\n', lines);
                if (yaml.Contains(':', StringComparison.Ordinal))
                {
                    yield return (Path.GetRelativePath(root, path), yaml);
                }
            }
        }
    }

    private static void AssertSame(ConfigNode expected, ConfigNode actual, string at)
    {
        var where = $"{at}line {expected.Line}, column {expected.Column}";
        Assert.Equal((expected.Kind, expected.Line, expected.Column, expected.Value, expected.Quoted, expected.File), (actual.Kind, actual.Line, actual.Column, actual.Value, actual.Quoted, actual.File));
        Assert.True(expected.Entries.Count == actual.Entries.Count, $"{where}: {expected.Entries.Count} entries, fast path {actual.Entries.Count}");
        for (var i = 0; i < expected.Entries.Count; i++)
        {
            AssertSame(expected.Entries[i].Key, actual.Entries[i].Key, at);
            AssertSame(expected.Entries[i].Value, actual.Entries[i].Value, at);
        }

        Assert.True(expected.Items.Count == actual.Items.Count, $"{where}: {expected.Items.Count} items, fast path {actual.Items.Count}");
        for (var i = 0; i < expected.Items.Count; i++)
        {
            AssertSame(expected.Items[i], actual.Items[i], at);
        }
    }

    [GeneratedRegex(@"```ya?ml\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex MarkdownYaml();

    [GeneratedRegex(@"(?<![$""])""""""[ ]*\n(?<body>.*?)\n(?<indent>[ ]*)""""""", RegexOptions.Singleline)]
    private static partial Regex RawString();
}
