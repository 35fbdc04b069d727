using System.Text.RegularExpressions;
using Npgsql;
using Syncplane.Access;
using Syncplane.Config;
using Syncplane.Storage.Postgres;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Deploy;

/// <summary>
/// Every config in docs/deployment.md is loaded and every command block is run here: shell blocks in bash against a
/// temp root that stands in for /etc, /var/lib and /var/backups, with the real syncplane CLI and stand-ins only for
/// what needs systemd or root (systemctl, useradd, runuser, install's -o/-g).
/// </summary>
public sealed partial class DeploymentDocsTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IDisposable
{
    private const string InstalledConfig = "/etc/syncplane/syncplane.yaml";

    private static readonly string Doc = File.ReadAllText(RepositoryPaths.Combine("docs", "deployment.md"));

    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    private static IEnumerable<string> Blocks(string language) =>
        CodeBlock().Matches(Doc).Where(m => m.Groups[1].Value == language).Select(m => m.Groups[2].Value);

    // A block of NAME=value lines is the content of /etc/syncplane/syncplane.env, not commands.
    private static bool IsEnvironmentFile(string block) => block.Split('\n', StringSplitOptions.RemoveEmptyEntries).All(l => EnvironmentLine().IsMatch(l));

    [Fact]
    public void ConfigExamples_LoadAsInstalled_WithStateUnderVarLib_AndEverySecretInAnEnvironmentFile()
    {
        var configs = Blocks("yaml").ToList();
        var defined = Blocks("sh").Where(IsEnvironmentFile).SelectMany(b => b.Split('\n', StringSplitOptions.RemoveEmptyEntries)).Select(l => l[..l.IndexOf('=')]).ToHashSet();

        Assert.Equal(2, configs.Count);
        foreach (var yaml in configs)
        {
            var config = ConfigLoader.Default.Parse(yaml, InstalledConfig);
            Assert.Equal("/var/lib/syncplane", config.StateDirectory);
            Assert.NotEmpty(config.Targets);
            Assert.All(SecretReference().Matches(yaml).Select(m => m.Groups[1].Value), name => Assert.True(defined.Contains(name), $"${{env:{name}}} is in no environment file block"));
        }

        Assert.Equal("${env:SYNCPLANE_STORE}", ConfigLoader.Default.Parse(configs[1], InstalledConfig).Store);
    }

    [Fact]
    public async Task SyncedFoldersDropIn_VerifiesWithTheServiceUnit()
    {
        var dropIn = Assert.Single(Blocks("ini"));
        File.Copy(RepositoryPaths.Combine("deploy", "syncplane.service"), _root.Combine("syncplane.service"));
        _root.Write("syncplane.service.d/synced-folders.conf", dropIn);
        _root.Write("broken/syncplane.service.d/synced-folders.conf", dropIn + "NoSuchKey=1\n");
        File.Copy(RepositoryPaths.Combine("deploy", "syncplane.service"), _root.Combine("broken", "syncplane.service"));

        var verified = await ExternalTool.RunAsync("systemd-analyze", _root.Path, "verify", "syncplane.service");
        var broken = await ExternalTool.RunAsync("systemd-analyze", _root.Combine("broken"), "verify", "syncplane.service");

        Assert.True(verified.ExitCode == 0 && verified.All.Trim().Length == 0, verified.All);
        Assert.Contains("NoSuchKey", broken.All, StringComparison.Ordinal); // verify does read the drop-in beside the unit
        Assert.Contains("ReadWritePaths=/srv/portal/docs", dropIn, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShellBlocks_RunInOrder_AgainstATempRoot()
    {
        var root = _root.Path;
        Directory.CreateDirectory(_root.Combine("etc", "systemd", "system"));
        Directory.CreateDirectory(_root.Combine("var", "lib", "syncplane")); // StateDirectory= makes it when the service starts
        _root.Write("etc/syncplane/syncplane.yaml", Rooted(Blocks("yaml").First()));
        var commands = Blocks("sh").Where(b => !IsEnvironmentFile(b)).ToList();
        var script = $$"""
            set -euo pipefail
            syncplane() { dotnet {{SyncplaneCli.DllPath}} "$@"; }
            runuser() { [ "$1 $2 $3" = "-u syncplane --" ] || { echo "unexpected runuser $*" >&2; return 1; }; shift 3; "$@"; }
            useradd() { echo "useradd $*" >> {{root}}/calls; }
            systemctl() {
              echo "systemctl $*" >> {{root}}/calls
              for unit in "$@"; do case $unit in *.service|*.timer) [ -f "{{root}}/etc/systemd/system/$unit" ] || { echo "$unit is not installed" >&2; return 1; };; esac; done
            }
            install() { local args=(); while [ $# -gt 0 ]; do case $1 in -o|-g) shift 2;; *) args+=("$1"); shift;; esac; done; command install "${args[@]}"; }

            """ + string.Join("\n", commands.Select(Rooted));

        var result = await ExternalTool.RunAsync("bash", RepositoryPaths.Root, "-c", script);

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Equal(5, commands.Count);
        Assert.Matches("^Token 'ci' \\(operator\\) created", result.Stderr.TrimStart());
        Assert.Contains("backed up " + _root.Combine("var", "lib", "syncplane", "syncplane.db"), result.Stdout, StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(_root.Combine("var", "backups", "syncplane"), "syncplane-*.db"));
        Assert.True(File.Exists(_root.Combine("etc", "systemd", "system", "syncplane-run.timer")));
        Assert.Equal(
            [
                "useradd --system --home-dir " + _root.Combine("var", "lib", "syncplane") + " --shell /usr/sbin/nologin syncplane",
                "systemctl daemon-reload", "systemctl enable --now syncplane.service",
                "systemctl daemon-reload", "systemctl enable --now syncplane-check.timer syncplane-run.timer",
                "systemctl stop syncplane.service", "systemctl start syncplane.service",
            ],
            File.ReadAllLines(_root.Combine("calls")));
    }

    [Fact]
    public async Task MetricsNamedInTheDocs_AreServedByMetrics()
    {
        // A finished run and a running one, so that every documented series has samples (a series without any is not written).
        await using var server = await TestServer.StartAsync("targets:\n  docs: { entrypoint: \"true\" }\n  slow: { entrypoint: \"sleep 60\" }\n");
        using var client = server.Client(ApiRole.Operator);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, (await client.PostAsync("/api/v1/targets/docs/sync", null)).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, (await client.PostAsync("/api/v1/targets/slow/sync", null)).StatusCode);

        var documented = MetricName().Matches(Doc).Select(m => m.Value).Distinct().ToList();
        Assert.True(documented.Count >= 8, string.Join(", ", documented));
        // A documented name is a sample's name, or the stem of _sum/_count samples (run durations).
        await MetricsScrape.UntilContainsAsync(client, [.. documented.Select(name => "\n" + name)]);
    }

    [Fact]
    public async Task LeasesQuery_ShowsWhoHoldsTheSchedulerLease_OnPostgres()
    {
        var query = LeasesQuery().Match(Doc).Groups[1].Value;
        var connectionString = await database.CreateDatabaseAsync();
        await using (var store = new PostgresSyncStore(connectionString, TimeProvider.System))
        {
            await store.MigrateAsync(CancellationToken.None);
            Assert.True(await store.TryAcquireLeaseAsync("scheduler", "node-1", TimeSpan.FromSeconds(30), CancellationToken.None));
        }

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(query, connection);
        await using var reader = await command.ExecuteReaderAsync();

        Assert.True(await reader.ReadAsync());
        Assert.Equal(("scheduler", "node-1"), (reader.GetString(0), reader.GetString(1)));
        Assert.True(reader.GetFieldValue<DateTimeOffset>(2) > TimeProvider.System.GetUtcNow());
    }

    [Fact]
    public void DeployFilesNamedInTheDocs_Exist()
    {
        var named = DeployFile().Matches(Doc).Select(m => m.Value).Distinct().ToList();

        Assert.Contains("deploy/nginx-syncplane.conf", named);
        Assert.All(named, path => Assert.True(File.Exists(RepositoryPaths.Combine(path)), path));
        Assert.All(Directory.GetFiles(RepositoryPaths.Combine("deploy"), "*.service"), unit => Assert.Contains("deploy/" + Path.GetFileName(unit), named));
    }

    private string Rooted(string text) => text
        .Replace("/etc/systemd/system/", _root.Combine("etc", "systemd", "system") + "/", StringComparison.Ordinal)
        .Replace("/etc/syncplane", _root.Combine("etc", "syncplane"), StringComparison.Ordinal)
        .Replace("/var/lib/syncplane", _root.Combine("var", "lib", "syncplane"), StringComparison.Ordinal)
        .Replace("/var/backups", _root.Combine("var", "backups"), StringComparison.Ordinal);

    [GeneratedRegex(@"```(\w+)\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    [GeneratedRegex(@"^[A-Z][A-Z0-9_]*=\S*$")]
    private static partial Regex EnvironmentLine();

    [GeneratedRegex(@"\$\{env:([A-Za-z0-9_]+)\}")]
    private static partial Regex SecretReference();

    [GeneratedRegex(@"\bsyncplane_[a-z_]+[a-z]")]
    private static partial Regex MetricName();

    [GeneratedRegex("`(SELECT [^`]+ FROM leases)`")]
    private static partial Regex LeasesQuery();

    [GeneratedRegex(@"deploy/[A-Za-z0-9.-]+\.(service|timer|conf)")]
    private static partial Regex DeployFile();
}
