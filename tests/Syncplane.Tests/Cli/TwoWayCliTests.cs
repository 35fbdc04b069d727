using System.Text.Json;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Cli;

/// <summary>What <c>syncplane run</c> shows of a bidirectional target: the refused first run, and dry-run plans of both directions with their conflicts.</summary>
public sealed class TwoWayCliTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public TwoWayCliTests()
    {
        _dir.Write("a/only-a.txt", "A");
        _dir.Write("b/only-b.txt", "B");
        _dir.Write("syncplane.yaml", """
            targets:
              both:
                direction: bidirectional
                source: { directory: { path: a } }
                destination: { directory: { path: b } }
            """);
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task FirstRunIsRefused_DryRunResyncShowsBothDirections_AndADryRunShowsEachConflict()
    {
        var first = await SyncplaneCli.RunAsync(_dir.Path, "run", "--ci");
        Assert.Equal(3, first.ExitCode);
        Assert.Contains("REFUSED", first.Stdout, StringComparison.Ordinal);
        Assert.Contains("syncplane run --target both --resync", first.Stdout, StringComparison.Ordinal);

        var preview = await SyncplaneCli.RunAsync(_dir.Path, "run", "--dry-run", "--resync", "--json");
        Assert.True(preview.ExitCode == 0, preview.All);
        var plan = JsonDocument.Parse(preview.Stdout).RootElement.GetProperty("results")[0].GetProperty("plan");
        Assert.Equal("only-a.txt", plan.GetProperty("into_destination").GetProperty("creates")[0].GetString());
        Assert.Equal("only-b.txt", plan.GetProperty("into_source").GetProperty("creates")[0].GetString());
        Assert.False(File.Exists(_dir["b/only-a.txt"]));

        Assert.Equal(0, (await SyncplaneCli.RunAsync(_dir.Path, "run", "--ci", "--resync")).ExitCode);
        File.WriteAllText(_dir["a/only-a.txt"], "edited in a");
        File.SetLastWriteTimeUtc(_dir["a/only-a.txt"], new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc));
        File.WriteAllText(_dir["b/only-a.txt"], "edited in b");
        File.SetLastWriteTimeUtc(_dir["b/only-a.txt"], new DateTime(2026, 2, 1, 0, 0, 0, DateTimeKind.Utc));

        var text = await SyncplaneCli.RunAsync(_dir.Path, "run", "--ci", "--dry-run");
        Assert.Contains("! only-a.txt: changed on both sides; keep-both: the newer keeps the name: the source's copy keeps the name, the destination's is kept as only-a.conflict-destination-20260201T000000Z.txt", text.Stdout, StringComparison.Ordinal);
        var json = await SyncplaneCli.RunAsync(_dir.Path, "run", "--dry-run", "--json");
        var conflict = JsonDocument.Parse(json.Stdout).RootElement.GetProperty("results")[0].GetProperty("plan").GetProperty("conflicts")[0];
        Assert.Equal(("only-a.txt", "source", "only-a.conflict-destination-20260201T000000Z.txt"),
            (conflict.GetProperty("key").GetString(), conflict.GetProperty("winner").GetString(), conflict.GetProperty("kept_as").GetString()));
        Assert.Equal("edited in b", File.ReadAllText(_dir["b/only-a.txt"]));
    }

    [Fact]
    public async Task AQueuedRunResyncs_OnlyWhenTriggeredWithResync()
    {
        Assert.Equal(0, (await SyncplaneCli.RunAsync(_dir.Path, "trigger", "both")).ExitCode);
        var refused = await SyncplaneCli.RunAsync(_dir.Path, "worker", "--exit-when-idle");
        Assert.Contains("--resync", refused.All, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir["b/only-a.txt"]));

        var queued = await SyncplaneCli.RunAsync(_dir.Path, "trigger", "--resync", "both");
        Assert.True(queued.ExitCode == 0, queued.All);
        var worker = await SyncplaneCli.RunAsync(_dir.Path, "worker", "--exit-when-idle");

        Assert.True(File.Exists(_dir["b/only-a.txt"]) && File.Exists(_dir["a/only-b.txt"]), worker.All);
        File.WriteAllText(_dir["a/new.txt"], "after the resync");
        Assert.Equal(0, (await SyncplaneCli.RunAsync(_dir.Path, "trigger", "both")).ExitCode);
        await SyncplaneCli.RunAsync(_dir.Path, "worker", "--exit-when-idle");
        Assert.Equal("after the resync", File.ReadAllText(_dir["b/new.txt"])); // the resync saved a listing: plain queued runs sync from now on
    }

    [Fact]
    public async Task TriggerResync_OfAOneWayTarget_IsRefusedAndQueuesNothing()
    {
        _dir.Write("one-way.yaml", """
            targets:
              mirror:
                source: { directory: { path: a } }
                destination: { directory: { path: c } }
            """);

        var refused = await SyncplaneCli.RunAsync(_dir.Path, "trigger", "--config", "one-way.yaml", "--resync", "mirror");

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("resync applies to bidirectional targets only", refused.All, StringComparison.Ordinal);
        Assert.DoesNotContain("mirror", (await SyncplaneCli.RunAsync(_dir.Path, "history", "--config", "one-way.yaml")).Stdout, StringComparison.Ordinal);
    }
}
