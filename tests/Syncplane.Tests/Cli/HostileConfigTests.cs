using System.Diagnostics;
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

        var (exitCode, stdout, stderr) = await RunBoundedAsync(args);

        Assert.Equal(2, exitCode);
        Assert.Contains(path + expected, stderr);
        Assert.DoesNotContain("valid,", stdout);
        Assert.False(Directory.Exists(_dir.Combine(".syncplane")));
    }

    /// <summary>Runs the CLI; a server that starts instead of refusing is stopped after a minute, and the test fails.</summary>
    private async Task<(int ExitCode, string Stdout, string Stderr)> RunBoundedAsync(string[] args)
    {
        using var process = Process.Start(SyncplaneCli.StartInfo(_dir.Path, null, args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"syncplane {args[0]} started instead of refusing the config");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
