using System.Text.Json;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Cli;

/// <summary><c>frequency</c>, <c>pause</c> and <c>resume</c> change runtime settings that <c>status</c> shows; the config file stays the default.</summary>
public sealed class TargetSettingsCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public TargetSettingsCommandTests() => _dir.Write("syncplane.yaml", "targets:\n  docs: { entrypoint: \"true\", schedule: daily }\n");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task FrequencyPauseResume_AreStoredAndShownByStatus_AndClearGoesBackToTheFile()
    {
        var set = await SyncplaneCli.RunAsync(_dir.Path, "frequency", "docs", "5min");
        var pause = await SyncplaneCli.RunAsync(_dir.Path, "pause", "docs", "--reason", "upstream maintenance");
        var paused = Status(await SyncplaneCli.RunAsync(_dir.Path, "status", "--json"));
        var resume = await SyncplaneCli.RunAsync(_dir.Path, "resume", "docs");
        var clear = await SyncplaneCli.RunAsync(_dir.Path, "frequency", "docs", "--clear");
        var after = Status(await SyncplaneCli.RunAsync(_dir.Path, "status", "--json"));

        Assert.Equal((0, 0, 0, 0), (set.ExitCode, pause.ExitCode, resume.ExitCode, clear.ExitCode));
        Assert.Equal(("paused", "5min", true, "upstream maintenance"),
            (paused.GetProperty("status").GetString(), paused.GetProperty("frequency").GetString(), paused.GetProperty("frequency_overridden").GetBoolean(), paused.GetProperty("paused_reason").GetString()));
        Assert.Equal(("idle", "daily", false), (after.GetProperty("status").GetString(), after.GetProperty("frequency").GetString(), after.GetProperty("frequency_overridden").GetBoolean()));
    }

    [Theory]
    [InlineData("frequency", "docs", "every fortnight")]
    [InlineData("frequency", "docs")]
    [InlineData("frequency", "nope", "5min")]
    [InlineData("pause", "nope")]
    public async Task BadInput_ExitsTwoAndChangesNothing(params string[] args)
    {
        var result = await SyncplaneCli.RunAsync(_dir.Path, args);
        var status = Status(await SyncplaneCli.RunAsync(_dir.Path, "status", "--json"));

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error:", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(("idle", "daily"), (status.GetProperty("status").GetString(), status.GetProperty("frequency").GetString()));
    }

    [Fact]
    public async Task Frequency_PresetInAnyCase_IsStoredInItsCanonicalSpelling_AsInTheConfigFile()
    {
        _dir.Write("syncplane.yaml", "targets:\n  docs: { entrypoint: \"true\", schedule: Daily }\n");

        var before = Status(await SyncplaneCli.RunAsync(_dir.Path, "status", "--json"));
        var set = await SyncplaneCli.RunAsync(_dir.Path, "frequency", "docs", "Realtime");
        var after = Status(await SyncplaneCli.RunAsync(_dir.Path, "status", "--json"));

        Assert.Equal("daily", before.GetProperty("frequency").GetString());
        Assert.Equal(0, set.ExitCode);
        Assert.Contains("frequency is now 'realtime'", set.Stdout, StringComparison.Ordinal);
        Assert.Equal("realtime", after.GetProperty("frequency").GetString());
    }

    private static JsonElement Status(SyncplaneCli.Result result) =>
        JsonDocument.Parse(result.Stdout).RootElement.EnumerateArray().Single(t => t.GetProperty("target").GetString() == "docs").Clone();
}
