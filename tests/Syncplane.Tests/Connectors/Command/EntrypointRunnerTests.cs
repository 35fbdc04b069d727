using Syncplane.Config;
using Syncplane.Connectors;
using Syncplane.Connectors.Command;
using Syncplane.Engine;
using Syncplane.Engine.Process;
using Syncplane.Planning;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Connectors.Command;

public sealed class EntrypointRunnerTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TestRunLog _log = new();
    private readonly EntrypointRunner _runner = new(new ProcessRunner(TimeProvider.System));

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task RunAsync_Script_ReportsOutputsCreatedOrChangedOnly()
    {
        _dir.Write("docs/runtime/unchanged.txt", "same");
        _dir.Write("docs/runtime/DB_CONFIG.prod.txt", "old");
        File.SetLastWriteTimeUtc(_dir["docs/runtime/DB_CONFIG.prod.txt"], new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        Script("scripts/live.sh", "echo changed > docs/runtime/DB_CONFIG.prod.txt\necho new > docs/runtime/ENV_VARS.prod.txt\necho elsewhere > other.txt\necho done");

        var result = await Run(Target("scripts/live.sh") with { Outputs = [Glob.Parse("docs/runtime/**")] });

        Assert.True(result.Success, result.Message);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["docs/runtime/DB_CONFIG.prod.txt", "docs/runtime/ENV_VARS.prod.txt"], result.OutputsCreated);
        Assert.Contains((LogLevel.Info, "done"), _log.Lines);
        Assert.Contains("2 outputs created or changed", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_SecondRunRewritesSameContent_ReportsNoOutputs()
    {
        Script("scripts/oca.sh", "for m in sale account; do mkdir -p addons/$m; echo \"{'name': '$m'}\" > addons/$m/__manifest__.py; done");
        var target = Target("scripts/oca.sh") with { Outputs = [Glob.Parse("addons/**")] };
        var first = await Run(target);
        foreach (var file in System.IO.Directory.EnumerateFiles(_dir["addons"], "*", SearchOption.AllDirectories))
        {
            File.SetLastWriteTimeUtc(file, new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        }

        var second = await Run(target);

        Assert.Equal(["addons/account/__manifest__.py", "addons/sale/__manifest__.py"], first.OutputsCreated);
        Assert.True(second.Success, second.Message);
        Assert.Empty(second.OutputsCreated);
    }

    [Fact]
    public async Task RunAsync_SameSizeDifferentContent_IsReportedChanged()
    {
        _dir.Write("out/v.txt", "v1");
        Script("scripts/bump.sh", "printf v2 > out/v.txt");

        var result = await Run(Target("scripts/bump.sh") with { Outputs = [Glob.Parse("out/*.txt")] });

        Assert.Equal(["out/v.txt"], result.OutputsCreated);
    }

    [Fact]
    public async Task RunAsync_Environment_CarriesTargetConfigDirectionAndResolvedSecrets()
    {
        Script("scripts/env.sh", "echo \"$SYNCPLANE_TARGET|$SYNCPLANE_DIRECTION|$SYNCPLANE_DRY_RUN|$SYNCPLANE_CONFIG_CLAUDE_MD|$SYNCPLANE_CONFIG_MCP_CONFIG_PATH|$API_TOKEN\" > out.txt");
        var target = Target("scripts/env.sh") with
        {
            Direction = SyncDirection.Bidirectional,
            Config = new Dictionary<string, string> { ["claude_md"] = "claude.md", ["mcp-config.path"] = "x.json" },
            Env = new Dictionary<string, string> { ["API_TOKEN"] = "${env:SEED_TOKEN}" },
        };

        var result = await _runner.RunAsync(target, SyncDirection.Bidirectional, dryRun: true, Context(name => name == "SEED_TOKEN" ? "tok-1" : null), CancellationToken.None);

        Assert.True(result.Success, result.Message);
        Assert.Equal("claude_config|bidirectional|1|claude.md|x.json|tok-1", File.ReadAllText(_dir["out.txt"]).Trim());
    }

    [Fact]
    public async Task RunAsync_UnsetSecret_FailsWithoutRunning()
    {
        Script("scripts/x.sh", "touch ran");

        var result = await Run(Target("scripts/x.sh") with { Env = new Dictionary<string, string> { ["T"] = "${env:MISSING_VAR}" } });

        Assert.False(result.Success);
        Assert.Contains("MISSING_VAR", result.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir["ran"]));
    }

    [Fact]
    public async Task RunAsync_NonZeroExit_FailsWithLastStderrLines()
    {
        Script("scripts/fail.sh", "echo 'fetching apps'\necho 'error: DIGITALOCEAN_TOKEN not set' >&2\nexit 3");

        var result = await Run(Target("scripts/fail.sh"));

        Assert.False(result.Success);
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("exited with code 3", result.Message, StringComparison.Ordinal);
        Assert.Contains("error: DIGITALOCEAN_TOKEN not set", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NonExecutablePythonScript_RunsThroughPython3()
    {
        _dir.Write("scripts/sync.py", "import os\nopen('py.txt', 'w').write(os.environ['SYNCPLANE_TARGET'])\n");

        var result = await Run(Target("scripts/sync.py"));

        Assert.True(result.Success, result.Message);
        Assert.Equal("claude_config", File.ReadAllText(_dir["py.txt"]));
    }

    [Fact]
    public async Task RunAsync_NonExecutableShellScript_RunsThroughSh()
    {
        _dir.Write("scripts/plain.sh", "echo plain > plain.txt\n");

        var result = await Run(Target("scripts/plain.sh"));

        Assert.True(result.Success, result.Message);
        Assert.True(File.Exists(_dir["plain.txt"]));
    }

    [Fact]
    public async Task RunAsync_CommandLine_RunsThroughShellInWorkingDirectory()
    {
        System.IO.Directory.CreateDirectory(_dir["sub"]);

        var result = await Run(Target("pwd > where.txt && echo ok") with { WorkingDirectory = "sub" });

        Assert.True(result.Success, result.Message);
        Assert.Equal(Path.GetFullPath(_dir["sub"]), File.ReadAllText(_dir["sub/where.txt"]).Trim());
    }

    [Fact]
    public async Task RunAsync_MissingScriptPath_FailsNamingIt()
    {
        var result = await Run(Target("scripts/missing.sh"));

        Assert.False(result.Success);
        Assert.Contains("entrypoint 'scripts/missing.sh' not found", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Timeout_KillsAndFails()
    {
        Script("scripts/slow.sh", "sleep 30");

        var result = await Run(Target("scripts/slow.sh") with { Timeout = TimeSpan.FromMilliseconds(500) });

        Assert.False(result.Success);
        Assert.True(result.TimedOut);
        Assert.Contains("timeout", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_PushWithInputs_ListsMatchingFilesInEnvironmentAndFile()
    {
        _dir.Write("docs/a.md", "a");
        _dir.Write("docs/sub/b.md", "b");
        _dir.Write("docs/c.txt", "c");
        Script("scripts/push.sh", "printf '%s' \"$SYNCPLANE_INPUTS\" > inputs-env.txt\ncp \"$SYNCPLANE_INPUTS_FILE\" inputs-file.txt");
        var target = Target("scripts/push.sh") with { Direction = SyncDirection.Push, Inputs = [Glob.Parse("docs/**/*.md")] };

        var result = await _runner.RunAsync(target, Context(), CancellationToken.None);

        Assert.True(result.Success, result.Message);
        Assert.Equal("docs/a.md\ndocs/sub/b.md", File.ReadAllText(_dir["inputs-env.txt"]));
        Assert.Equal("docs/a.md\ndocs/sub/b.md\n", File.ReadAllText(_dir["inputs-file.txt"]));
    }

    [Theory]
    [InlineData("claude_md", "SYNCPLANE_CONFIG_CLAUDE_MD")]
    [InlineData("mcp-config.path", "SYNCPLANE_CONFIG_MCP_CONFIG_PATH")]
    [InlineData("Ä1", "SYNCPLANE_CONFIG__1")]
    public void ConfigVariable_UpperCasesAndReplacesOtherCharacters(string key, string expected) =>
        Assert.Equal(expected, EntrypointRunner.ConfigVariable(key));

    private static TargetConfig Target(string entrypoint) => new() { Name = "claude_config", Entrypoint = entrypoint, Timeout = TimeSpan.FromSeconds(30) };

    private ConnectorContext Context(Func<string, string?>? environment = null) =>
        new("claude_config", _dir.Path, _dir["state"], new SecretResolver(_dir.Path, environment ?? (_ => null)), _log, TimeProvider.System);

    private Task<EntrypointResult> Run(TargetConfig target) =>
        _runner.RunAsync(target, SyncDirection.Pull, dryRun: false, Context(), CancellationToken.None);

    private void Script(string relative, string body)
    {
        var path = _dir.Write(relative, "#!/bin/sh\nset -e\n" + body + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
