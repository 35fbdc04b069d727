using System.Text;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Cli;

public class SecretHandlingTests : IDisposable
{
    private const string Secret = "s3cr3t-V4lue-9f1c2e";
    private const string FileSecret = "file-secret-77aa31";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ResolvedSecrets_AppearInNoOutputLogReportOrStoredRecord()
    {
        TestGitRepository.Init(_dir.Combine("upstream"), _dir.Path).Commit("initial", ("docs/a.md", "hello"));
        _dir.Write("token.txt", FileSecret + "\n");
        _dir.Write("syncplane.yaml", """
            targets:
              leaky:
                entrypoint: scripts/leak.sh
                env: { API_TOKEN: "${env:SYNCPLANE_TEST_SECRET}" }
              fromgit:
                source: { git: { url: upstream, branch: main, token: "${file:token.txt}" } }
                destination: { directory: { path: dst } }
            """);
        var script = _dir.Write("scripts/leak.sh", "#!/bin/sh\necho \"token is $API_TOKEN\"\necho \"still $API_TOKEN\" >&2\nexit 3\n");
        File.SetUnixFileMode(script, (UnixFileMode)0b111_101_101);
        var env = new Dictionary<string, string> { ["SYNCPLANE_TEST_SECRET"] = Secret };

        var result = await SyncplaneCli.RunAsync(_dir.Path, env, "run", "--verbose", "--ci", "--report", "report.json");

        Assert.Equal(1, result.ExitCode); // leaky fails on purpose, with its stderr in the message
        Assert.Contains("token is ***", result.Stdout);
        Assert.True(File.Exists(_dir.Combine("dst", "docs", "a.md")), result.All);
        Assert.DoesNotContain(Secret, result.All);
        Assert.DoesNotContain(FileSecret, result.All);
        foreach (var file in Directory.EnumerateFiles(_dir.Combine(".syncplane"), "*", SearchOption.TopDirectoryOnly).Append(_dir.Combine("report.json")))
        {
            var bytes = File.ReadAllBytes(file);
            Assert.False(Contains(bytes, Secret), $"{file} contains the env secret");
            Assert.False(Contains(bytes, FileSecret), $"{file} contains the file secret");
        }
    }

    [Fact]
    public async Task MultiLineFileSecret_PrintedLineByLine_IsMaskedInOutputReportHistoryAndDatabaseFiles()
    {
        _dir.Write("key.pem", SecretProbe.Pem.ReplaceLineEndings("\r\n") + "\r\n");
        _dir.Write("syncplane.yaml", """
            targets:
              deploy:
                entrypoint: scripts/deploy.sh
                env: { DEPLOY_KEY: "${file:key.pem}" }
            """);
        // Line by line with CRLF endings, then without them on stderr (the failure message quotes it), then all on one line.
        Executable("scripts/deploy.sh", """
            printf '%s\n' "$DEPLOY_KEY"
            printf '%s\n' "$DEPLOY_KEY" | tr -d '\r' >&2
            printf 'one line: %s\n' "$(printf '%s' "$DEPLOY_KEY" | tr '\r\n' '  ')"
            exit 1
            """);
        var probe = new SecretProbe(SecretProbe.Pem);

        var run = await SyncplaneCli.RunAsync(_dir.Path, "run", "--verbose", "--ci", "--report", "report.json");
        var history = await SyncplaneCli.RunAsync(_dir.Path, "history", "--json");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("  [deploy] info: ***", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("one line: ***  ***  ***", run.Stdout, StringComparison.Ordinal);
        probe.AssertAbsent("run output", run.All);
        probe.AssertAbsent("history --json", history.All);
        Assert.Contains("exited with code 1", history.Stdout, StringComparison.Ordinal);
        probe.AssertAbsent("report.json", File.ReadAllBytes(_dir["report.json"]));
        probe.AssertAbsentFromFiles(_dir[".syncplane"]);
    }

    [Fact]
    public async Task AScript_SeesOnlyTheBaselineAndItsOwnEnv_AndAnotherTargetsSecretIsMaskedInItsOutput()
    {
        const string Other = "other-target-secret-5e1d";
        const string Unreferenced = "never-referenced-secret-90ab";
        _dir.Write("creds.txt", Other + "\n");
        _dir.Write("syncplane.yaml", """
            targets:
              reader:
                entrypoint: scripts/reader.sh
                env: { SHORT_FLAG: "${env:SYNCPLANE_TEST_SHORT}" }
              holder:
                entrypoint: "true"
                env: { HOLDER_TOKEN: "${env:SYNCPLANE_TEST_OTHER}" }
            """);
        Executable("scripts/reader.sh", """
            echo "read from disk: $(cat creds.txt)"
            echo "inherited: [$SYNCPLANE_TEST_OTHER]"
            env | sort
            echo "release complete"
            """);
        var env = new Dictionary<string, string>
        {
            ["SYNCPLANE_TEST_OTHER"] = Other,
            ["SYNCPLANE_TEST_UNREFERENCED"] = Unreferenced,
            ["SYNCPLANE_TEST_SHORT"] = "e",
        };

        // Only 'reader' runs: nothing resolves HOLDER_TOKEN before the script prints its value.
        var result = await SyncplaneCli.RunAsync(_dir.Path, env, "run", "--target", "reader", "--verbose", "--ci");

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("read from disk: ***", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("inherited: []", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("info: PATH=", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("info: SYNCPLANE_TARGET=reader", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("SYNCPLANE_TEST_", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Unreferenced, result.All, StringComparison.Ordinal);
        // A one-character secret is too short to mask without mangling every line.
        Assert.Contains("info: SHORT_FLAG=e", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("info: release complete", result.Stdout, StringComparison.Ordinal);
        new SecretProbe(Other, Unreferenced).AssertAbsentFromFiles(_dir[".syncplane"]);
    }

    [Fact]
    public async Task PassEnv_NamesAndGlobs_AreInheritedUnmasked_AndNothingElse()
    {
        _dir.Write("syncplane.yaml", """
            targets:
              reader:
                entrypoint: scripts/reader.sh
                pass_env: [CI, "GITHUB_*"]
            """);
        Executable("scripts/reader.sh", """
            echo "ci=[$CI] repo=[$GITHUB_REPOSITORY] sha=[$GITHUB_SHA] other=[$SYNCPLANE_TEST_UNPASSED]"
            """);
        var env = new Dictionary<string, string>
        {
            ["CI"] = "true",
            ["GITHUB_REPOSITORY"] = "acme/portal",
            ["GITHUB_SHA"] = "0123abcd",
            ["SYNCPLANE_TEST_UNPASSED"] = "not-for-scripts",
        };

        var result = await SyncplaneCli.RunAsync(_dir.Path, env, "run", "--target", "reader", "--verbose", "--ci");

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("ci=[true] repo=[acme/portal] sha=[0123abcd] other=[]", result.Stdout, StringComparison.Ordinal);
    }

    private void Executable(string path, string script)
    {
        var file = _dir.Write(path, "#!/bin/sh\n" + script + "\n");
        File.SetUnixFileMode(file, (UnixFileMode)0b111_101_101);
    }

    private static bool Contains(byte[] haystack, string needle) =>
        haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)) >= 0
        || haystack.AsSpan().IndexOf(Encoding.Unicode.GetBytes(needle)) >= 0;
}
