using System.Text.Json;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Cli;

public class ValidateCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Validate_BadConfig_ExitsTwoWithFileLineColumn()
    {
        var path = _dir.Write("syncplane.yaml", "targets:\n  a:\n    entrypoint: x.sh\n    schedule: \"0 25 * * *\"\n");

        var result = await SyncplaneCli.RunAsync(_dir.Path, "validate");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{path}:4:15:", result.Stderr);
        Assert.Contains("hour", result.Stderr);
    }

    [Fact]
    public async Task Validate_Json_ListsErrors()
    {
        _dir.Write("custom.yaml", "targets:\n  a: { entrypoint: x.sh, bogus: 1 }\n");

        var result = await SyncplaneCli.RunAsync(_dir.Path, "validate", "--config", "custom.yaml", "--json");

        Assert.Equal(2, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.False(json.RootElement.GetProperty("valid").GetBoolean());
        var error = json.RootElement.GetProperty("errors")[0];
        Assert.Equal(2, error.GetProperty("line").GetInt32());
        Assert.Contains("bogus", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Run_BadConfig_ChangesNothing()
    {
        _dir.Write("syncplane.yaml", "targets:\n  a: { entrypoint: x.sh, timeout: soon }\n");

        var result = await SyncplaneCli.RunAsync(_dir.Path, "run");

        Assert.Equal(2, result.ExitCode);
        Assert.False(Directory.Exists(_dir.Combine(".syncplane")));
    }

    [Fact]
    public async Task Validate_MissingFile_ExitsTwo()
    {
        var result = await SyncplaneCli.RunAsync(_dir.Path, "validate");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("config file not found", result.Stderr);
    }
}
