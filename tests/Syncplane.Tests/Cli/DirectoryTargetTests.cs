using System.Text.Json;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Cli;

public class DirectoryTargetTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public DirectoryTargetTests()
    {
        for (var i = 0; i < 10; i++)
        {
            _dir.Write($"src/f{i}.txt", $"file {i}");
        }

        _dir.Write("syncplane.yaml", """
            targets:
              mirror:
                source: { directory: { path: src } }
                destination: { directory: { path: dst } }
                safety: { max_delete: 20% }
            """);
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task SecondRun_WritesNothing()
    {
        var first = await SyncplaneCli.RunAsync(_dir.Path, "run", "--ci", "--json");
        var second = await SyncplaneCli.RunAsync(_dir.Path, "run", "--ci", "--json");

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(10, Changes(first)!.Value.GetProperty("created").GetInt32());
        Assert.Equal(0, second.ExitCode);
        var changes = Changes(second)!.Value;
        Assert.Equal(0, changes.GetProperty("created").GetInt32() + changes.GetProperty("updated").GetInt32() + changes.GetProperty("deleted").GetInt32());
        Assert.Equal(10, changes.GetProperty("unchanged").GetInt32());
    }

    [Fact]
    public async Task TooManyDeletes_RefusedWithExitThree_AndNothingDeleted()
    {
        await SyncplaneCli.RunAsync(_dir.Path, "run", "--ci");
        for (var i = 0; i < 5; i++)
        {
            File.Delete(_dir.Combine($"src/f{i}.txt"));
        }

        _dir.Write("src/new.txt", "new");

        var result = await SyncplaneCli.RunAsync(_dir.Path, "run", "--ci");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("max_delete", result.Stdout);
        Assert.Equal(10, Directory.GetFiles(_dir.Combine("dst")).Length);
        Assert.False(File.Exists(_dir.Combine("dst/new.txt")));
    }

    [Fact]
    public async Task DryRun_PrintsThePlan_AndWritesNothing()
    {
        var result = await SyncplaneCli.RunAsync(_dir.Path, "run", "--dry-run", "--ci");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("+ f3.txt", result.Stdout);
        Assert.False(Directory.Exists(_dir.Combine("dst")) && Directory.EnumerateFileSystemEntries(_dir.Combine("dst")).Any());
    }

    [Fact]
    public async Task SecretPattern_InAFileToWrite_RefusesTheRun()
    {
        _dir.Write("src/config.env", "AWS_KEY=AKIAABCDEFGHIJKLMNOP\n");
        File.AppendAllText(_dir.Combine("syncplane.yaml"), "\nsafety:\n  secret_patterns: [\"AKIA[0-9A-Z]{16}\"]\n");

        var result = await SyncplaneCli.RunAsync(_dir.Path, "run", "--ci");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("config.env:1", result.Stdout);
        Assert.DoesNotContain("AKIAABCDEFGHIJKLMNOP", result.Stdout);
        Assert.False(Directory.Exists(_dir.Combine("dst")) && Directory.EnumerateFileSystemEntries(_dir.Combine("dst")).Any());
    }

    [Fact]
    public async Task FailedPreSyncCheck_StopsBeforeAnyWrite()
    {
        File.AppendAllText(_dir.Combine("syncplane.yaml"), "\nsafety:\n  pre_sync_checks:\n    - { name: \"upstream ready\", command: \"test -f ready.flag\" }\n");

        var result = await SyncplaneCli.RunAsync(_dir.Path, "run", "--ci");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("upstream ready", result.Stdout);
        Assert.False(Directory.Exists(_dir.Combine("dst")) && Directory.EnumerateFileSystemEntries(_dir.Combine("dst")).Any());
    }

    [Fact]
    public async Task DryRunJson_CarriesThePlanKeys()
    {
        var result = await SyncplaneCli.RunAsync(_dir.Path, "run", "--dry-run", "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout);
        var plan = json.RootElement.GetProperty("results")[0].GetProperty("plan");
        Assert.Equal(10, plan.GetProperty("creates").GetArrayLength());
        Assert.Contains("f3.txt", plan.GetProperty("creates").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(10, plan.GetProperty("summary").GetProperty("creates").GetInt32());
    }

    private static JsonElement? Changes(SyncplaneCli.Result result)
    {
        using var json = JsonDocument.Parse(result.Stdout);
        return json.RootElement.GetProperty("results")[0].GetProperty("changes").Clone();
    }
}
