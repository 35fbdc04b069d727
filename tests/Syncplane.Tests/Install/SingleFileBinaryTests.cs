using Syncplane.Tests.Support;

namespace Syncplane.Tests.Install;

/// <summary><c>scripts/publish</c>: self-contained single-file binaries that run where no .NET is installed.</summary>
public sealed class SingleFileBinaryTests : IClassFixture<SingleFileBinaryTests.Published>, IDisposable
{
    private readonly Published _published;
    private readonly TempDirectory _dir = new();

    public SingleFileBinaryTests(Published published)
    {
        _published = published;
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task TheLinuxX64Binary_RunsTheQuickstart_WithNoDotnetOnItsPath()
    {
        var binary = _published.Binary("linux-x64");
        var environment = WithoutDotnet(_dir["bin"], _dir["home"]);
        var config = QuickstartCopy.Create(_dir["clone"], _dir["git-home"]);

        var noDotnet = await Command.RunAsync("/bin/sh", _dir.Path, environment, "-c", "command -v dotnet");
        var version = await Command.RunAsync(binary, _dir.Path, environment, "--version");
        var run = await Command.RunAsync(binary, _dir["clone"], environment, "run", "--config", config, "--verify", "--ci");

        Assert.NotEqual(0, noDotnet.ExitCode);
        Assert.True(version.ExitCode == 0, version.All);
        Assert.Equal(ToolPackageTests.ExpectedVersion(), version.Stdout.Trim());
        Assert.True(run.ExitCode == 0, run.All);
        Assert.Contains("3/3 target(s) succeeded", run.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(_dir.Combine("clone", "quickstart", "work", "mirror", "README.md")), run.All);
        Assert.True(File.Exists(_dir.Combine("clone", "quickstart", ".syncplane", "syncplane.db")), "SQLite's native library works from the single file");
    }

    [Fact]
    public void TheLinuxArm64Binary_IsAnAarch64Executable()
    {
        using var file = File.OpenRead(_published.Binary("linux-arm64"));
        var header = new byte[20];
        file.ReadExactly(header);

        Assert.Equal("\u007fELF"u8.ToArray(), header[..4]);
        Assert.Equal(2, header[4]); // ELFCLASS64
        Assert.Equal(183, BitConverter.ToUInt16(header, 18)); // e_machine EM_AARCH64
    }

    /// <summary>PATH is a folder of links to every program on the test's PATH except dotnet; no DOTNET_* variable is passed on.</summary>
    private static Dictionary<string, string?> WithoutDotnet(string bin, string home)
    {
        Directory.CreateDirectory(bin);
        Directory.CreateDirectory(home);
        foreach (var directory in Environment.GetEnvironmentVariable("PATH")!.Split(':').Where(Directory.Exists))
        {
            foreach (var program in Directory.GetFiles(directory).Where(p => Path.GetFileName(p) != "dotnet"))
            {
                var link = Path.Combine(bin, Path.GetFileName(program));
                if (!File.Exists(link) && !Directory.Exists(link))
                {
                    File.CreateSymbolicLink(link, program);
                }
            }
        }

        var environment = new Dictionary<string, string?>(StringComparer.Ordinal) { ["PATH"] = bin, ["HOME"] = home };
        foreach (var name in Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(n => n.StartsWith("DOTNET_", StringComparison.Ordinal)))
        {
            environment[name] = null;
        }

        return environment;
    }

    /// <summary>Both binaries, published once for the class by the script a user runs.</summary>
    public sealed class Published : IAsyncLifetime
    {
        private readonly string _folder = Directory.CreateTempSubdirectory("syncplane-publish-").FullName;

        public string Binary(string rid) => Path.Combine(_folder, rid, "syncplane");

        public async Task InitializeAsync()
        {
            var publish = await Command.RunAsync(
                RepositoryPaths.Combine("scripts", "publish"), RepositoryPaths.Root, new Dictionary<string, string?> { ["SYNCPLANE_PUBLISH_DIR"] = _folder });
            Assert.True(publish.ExitCode == 0, publish.All);
        }

        public Task DisposeAsync()
        {
            Directory.Delete(_folder, recursive: true);
            return Task.CompletedTask;
        }
    }
}
