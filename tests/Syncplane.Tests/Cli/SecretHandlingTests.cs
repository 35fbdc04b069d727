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

    private static bool Contains(byte[] haystack, string needle) =>
        haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)) >= 0
        || haystack.AsSpan().IndexOf(Encoding.Unicode.GetBytes(needle)) >= 0;
}
