using Syncplane.Tests.Support;

namespace Syncplane.Tests.Cli;

/// <summary>Configs built to break the loader get a FILE:LINE:COLUMN error and exit 2 from every command that loads them.</summary>
public class HostileConfigTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string, string, string> Cases => new()
    {
        // 100 KB of '[': the parser used to recurse once per level until the process died ("Stack overflow.", exit 134).
        { "validate", "targets: " + new string('[', 100_000), ":1:73: invalid YAML: mappings and lists nest deeper than 64 levels here" },
        { "serve", "targets: " + new string('[', 100_000), ":1:73: invalid YAML: mappings and lists nest deeper than 64 levels here" },
        // A second document used to be ignored: its target never ran and its unknown key was never reported.
        { "validate", MultiDocument, ":4:1: a second YAML document starts here" },
        { "serve", MultiDocument, ":4:1: a second YAML document starts here" },
    };

    private static string MultiDocument => """
        targets:
          docs: { entrypoint: a.sh }
        # more targets below
        ---
        targets:
          more: { entrypoint: b.sh }
        bogus: 1
        """;

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Command_RefusesTheConfigWithItsPosition_AndExitsTwo(string command, string yaml, string expected)
    {
        var path = _dir.Write("syncplane.yaml", yaml);

        string[] args = command == "serve" ? [command, "--urls", "http://127.0.0.1:0"] : [command];

        var result = await SyncplaneCli.RunAsync(_dir.Path, args);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(path + expected, result.Stderr);
        Assert.DoesNotContain("valid,", result.Stdout);
        Assert.False(Directory.Exists(_dir.Combine(".syncplane")));
    }
}
