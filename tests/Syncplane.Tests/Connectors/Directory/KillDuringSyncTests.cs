using System.Diagnostics;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using Syncplane.Connectors.Directory;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Connectors.Directory;

/// <summary>
/// SIGKILLs <c>syncplane run</c> at random points of a directory sync: no destination file may ever be a
/// partial copy, and one uninterrupted run afterwards completes the mirror.
/// </summary>
[SupportedOSPlatform("linux")]
[Trait("Category", "Cli")]
public sealed class KillDuringSyncTests : IDisposable
{
    private const string Config = """
        version: 1
        targets:
          mirror:
            source: { directory: { path: src } }
            destination: { directory: { path: dst, delete: true } }
        """;

    private const int KilledExitCode = 128 + 9;

    private readonly TempDirectory _tmp = new();

    public void Dispose() => _tmp.Dispose();

    [Fact]
    public async Task Run_KilledAtRandomPoints_NeverLeavesPartialFilesAndNextRunCompletes()
    {
        var cli = CliDll();
        var config = _tmp.Write("syncplane.yaml", Config);
        WriteTree(version: 1);
        Assert.Equal(0, await RunAsync(cli, config, killAfter: null));
        var seen = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        Remember(seen, Hashes(_tmp["dst"]));

        var random = new Random(2026);
        var killed = 0;
        for (var attempt = 0; attempt < 6; attempt++)
        {
            WriteTree(version: attempt + 2); // every attempt has a whole new version to copy
            Remember(seen, Hashes(_tmp["src"]));
            if (await RunAsync(cli, config, killAfter: TimeSpan.FromMilliseconds(random.Next(100, 1500))) == KilledExitCode)
            {
                killed++;
            }

            foreach (var (key, hash) in Hashes(_tmp["dst"]))
            {
                Assert.True(
                    seen.TryGetValue(key, out var versions) && versions.Contains(hash),
                    $"after kill {attempt + 1}, dst/{key} matches no version the source ever had: a partial write");
            }
        }

        Assert.True(killed >= 3, $"only {killed} of 6 runs were still running when killed; the test proves nothing");
        Assert.Equal(0, await RunAsync(cli, config, killAfter: null));
        Assert.Equal(TreeListing.Describe(_tmp["src"]), TreeListing.Describe(_tmp["dst"]));
    }

    private static void Remember(Dictionary<string, HashSet<string>> seen, Dictionary<string, string> hashes)
    {
        foreach (var (key, hash) in hashes)
        {
            if (!seen.TryGetValue(key, out var set))
            {
                seen[key] = set = new HashSet<string>(StringComparer.Ordinal);
            }

            set.Add(hash);
        }
    }

    /// <summary>Versions differ in every file's content (and some sizes); v2 adds and drops files.</summary>
    private void WriteTree(int version)
    {
        var random = new Random(version);
        for (var i = 0; i < 400; i++)
        {
            if (version % 2 == 0 && i % 7 == 0)
            {
                var gone = _tmp[$"src/d{i % 10}/f{i}.bin"];
                if (File.Exists(gone))
                {
                    File.Delete(gone);
                }

                continue;
            }

            var size = i % 50 == 0 ? 24 * 1024 * 1024 : random.Next(1, 64 * 1024) * (i % 3 == 0 ? version : 1);
            var bytes = new byte[size];
            random.NextBytes(bytes);
            var path = _tmp[$"src/d{i % 10}/f{i}.bin"];
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, bytes);
        }

        _tmp.Write($"src/new/added-{version}.txt", $"new in v{version}");
    }

    private static Dictionary<string, string> Hashes(string root)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!System.IO.Directory.Exists(root))
        {
            return result;
        }

        foreach (var path in System.IO.Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            var key = Path.GetRelativePath(root, path);
            if (TempFiles.IsTempName(Path.GetFileName(key)))
            {
                continue; // a temp file: never visible as a destination file
            }

            using var stream = File.OpenRead(path);
            result[key] = Convert.ToHexStringLower(SHA256.HashData(stream));
        }

        return result;
    }

    private async Task<int> RunAsync(string cli, string config, TimeSpan? killAfter)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _tmp.Path };
        foreach (var arg in new[] { cli, "run", "--config", config, "--ci" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (killAfter is { } delay)
        {
            await Task.Delay(delay);
            try
            {
                process.Kill(entireProcessTree: true); // SIGKILL on Unix
            }
            catch (InvalidOperationException)
            {
                // it finished first
            }
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        await Task.WhenAll(stdout, stderr);
        if (killAfter is null && process.ExitCode != 0)
        {
            Assert.Fail($"syncplane run exited {process.ExitCode}:\n{await stdout}\n{await stderr}");
        }

        return process.ExitCode;
    }

    /// <summary>The built CLI next to this test build, or <c>SYNCPLANE_CLI_DLL</c> when set (for a published build).</summary>
    private static string CliDll()
    {
        if (Environment.GetEnvironmentVariable("SYNCPLANE_CLI_DLL") is { Length: > 0 } overridden)
        {
            return overridden;
        }

        var testBin = AppContext.BaseDirectory; // .../tests/Syncplane.Tests/bin/<Configuration>/net10.0/
        var configuration = new DirectoryInfo(testBin).Parent!.Name;
        var dll = RepositoryPaths.Combine("src", "Syncplane.Cli", "bin", configuration, "net10.0", "syncplane.dll");
        Assert.True(File.Exists(dll), $"the CLI is not built at {dll}");
        return dll;
    }
}
