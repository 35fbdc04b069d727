using Syncplane.Config;
using Syncplane.Connectors;
using Syncplane.Engine;
using Syncplane.Events;
using Syncplane.Notifications;
using Syncplane.Tests.Notifications;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Seeds;

/// <summary>
/// Every target has a revision for seed 001's <c>commit_sha</c>, and a run says whether it changed anything
/// (<c>on: [changed]</c>): directory and entrypoint targets here, git sources in <see cref="Seed001LiveSyncTests"/>.
/// </summary>
public sealed class RunRevisionTests
{
    private const string Yaml = """
        targets:
          folder:
            source: { directory: { path: src } }
            destination: { directory: { path: dst } }
          script:
            entrypoint: "cp input.json out/state.json"
            outputs: [out/state.json]
        notifiers:
          portal:
            webhook: http://127.0.0.1:9/dispatches
            format: github_dispatch
            on: [changed]
            event_type: lz-update
            client_payload: { commit_sha: "{revision}", trigger: landing-zone-change, run: "{target} #{run_id}", count: 2, draft: false }
        """;

    [Theory]
    [InlineData("folder", "src/a.md")]
    [InlineData("script", "input.json")]
    public async Task Revision_IsAStableContentHash_ChangedOnlyWhenTheRunWroteSomething(string target, string input)
    {
        await using var bed = await EngineTestBed.CreateAsync(Yaml);
        bed.Directory.Write(input, "{\"v\":1}");
        Directory.CreateDirectory(bed.Directory.Combine("out"));

        var first = await RunAsync(bed, target);
        var second = await RunAsync(bed, target);
        bed.Directory.Write(input, "{\"v\":2}");
        var third = await RunAsync(bed, target);

        Assert.Matches("^[0-9a-f]{64}$", first.Revision);
        Assert.Equal(first.Revision, second.Revision);
        Assert.NotEqual(first.Revision, third.Revision);
        Assert.Equal([true, false, true], new[] { first.Changed, second.Changed, third.Changed });
        var portal = bed.Config.Notifiers.Single();
        Assert.Equal([true, false, true], new[] { portal.Wants(first), portal.Wants(second), portal.Wants(third) });
        Assert.Equal(
            $$$"""{"event_type":"lz-update","client_payload":{"commit_sha":"{{{third.Revision}}}","trigger":"landing-zone-change","run":"{{{target}}} #{{{third.RunId}}}","count":2,"draft":false}}""",
            NotificationPayloads.Build(portal, third));
    }

    [Fact]
    public async Task TwoWayRevision_NamesWhatBothSidesHoldAfterTheRun_SoAChangeOnEitherSideChangesIt_AndTheNextUnchangedRunKeepsIt()
    {
        await using var bed = await EngineTestBed.CreateAsync("""
            targets:
              both:
                direction: bidirectional
                source: { directory: { path: a } }
                destination: { directory: { path: b } }
            """);
        bed.Directory.Write("a/x.md", "1");
        Directory.CreateDirectory(bed.Directory.Combine("b"));

        var first = await RunAsync(bed, "both", resync: true);
        var unchanged = await RunAsync(bed, "both");
        bed.Directory.Write("b/x.md", "2"); // changed on the destination only: copied into the source
        var changed = await RunAsync(bed, "both");
        var after = await RunAsync(bed, "both");

        Assert.Equal("2", File.ReadAllText(bed.Directory.Combine("a", "x.md")));
        Assert.Matches("^[0-9a-f]{64}$", first.Revision);
        Assert.Equal(first.Revision, unchanged.Revision);
        Assert.NotEqual(unchanged.Revision, changed.Revision);
        Assert.Equal(changed.Revision, after.Revision);
        Assert.Equal([true, false, true, false], new[] { first.Changed, unchanged.Changed, changed.Changed, after.Changed });
    }

    [Theory]
    [InlineData("folder", "src/a.md")]
    [InlineData("script", "input.json")]
    public async Task BuiltInDispatchPayload_CarriesTheRunsRevision_ForTargetsWithoutAGitSource(string target, string input)
    {
        await using var bed = await EngineTestBed.CreateAsync(Yaml);
        bed.Directory.Write(input, "{\"v\":1}");
        Directory.CreateDirectory(bed.Directory.Combine("out"));
        var outcome = await RunAsync(bed, target);
        var builtIn = bed.Config.Notifiers.Single() with { ClientPayload = null };

        using var body = System.Text.Json.JsonDocument.Parse(NotificationPayloads.Build(builtIn, outcome));

        var payload = body.RootElement.GetProperty("client_payload");
        Assert.Matches("^[0-9a-f]{64}$", payload.GetProperty("revision").GetString());
        Assert.Equal(outcome.Revision, payload.GetProperty("revision").GetString());
        Assert.True(payload.EnumerateObject().Count() <= 10, "GitHub allows at most 10 top-level client_payload properties");
    }

    [Theory]
    [InlineData("client_payload: { sha: \"{commit}\" }", "unknown placeholder {commit} in notifiers.p.client_payload")]
    [InlineData("client_payload: [a]", "notifiers.p.client_payload must be a mapping")]
    [InlineData("client_payload: { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, i: 9, j: 10, k: 11 }", "GitHub accepts at most 10")]
    public void ClientPayload_Invalid_IsAConfigError(string line, string expected)
    {
        var ex = Assert.Throws<ConfigException>(() => NotificationBed.Notifiers(
            "notifiers:\n  p:\n    webhook: http://127.0.0.1:9/d\n    format: github_dispatch\n    " + line + "\n"));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    private static readonly string[] Ours = ["config/app.yaml", "notes/1.md", "notes/2.md", "notes/3.md", "lz-other.md"];

    [Fact]
    public async Task MappedSource_MaxDeleteAndDeleteCountOnlyTheMappedPaths()
    {
        var upstream = new TempDirectory();
        var home = upstream.Combine("home");
        Directory.CreateDirectory(home);
        var lz = TestGitRepository.Init(upstream.Combine("lz"), home);
        lz.Commit("one", ("docs/a.md", "a"), ("docs/old.md", "old"), ("pmo.yaml", "p"));
        await using var bed = await EngineTestBed.CreateAsync($$"""
            targets:
              lz:
                source: { git: { url: "{{lz.Path}}", map: { docs: lz, pmo.yaml: config/lz-pmo.yaml } } }
                destination: { directory: { path: ., delete: true } }
                safety: { max_delete: 1 }
            """);
        foreach (var name in Ours)
        {
            bed.Directory.Write(name, "ours");
        }

        await RunAsync(bed, "lz");
        lz.Commit("two", ("docs/old.md", null));
        var second = await RunAsync(bed, "lz");

        Assert.Equal((0, 0, 1), (second.Creates, second.Updates, second.Deletes));
        Assert.False(File.Exists(bed.Directory.Combine("lz", "old.md")));
        Assert.Equal("a", File.ReadAllText(bed.Directory.Combine("lz", "a.md")));
        Assert.All(Ours, name => Assert.True(File.Exists(bed.Directory.Combine(name)), name));
        upstream.Dispose();
    }

    private static async Task<RunOutcome> RunAsync(EngineTestBed bed, string target, bool resync = false)
    {
        var runner = new SyncRunner(bed.Config, bed.Store, bed.Time, ConnectorRegistry.Default, bed.Secrets);
        var result = await runner.RunAsync(bed.Config.Targets.Single(t => t.Name == target), new RunOptions() { Resync = resync }, null, null, null, CancellationToken.None);
        Assert.True(result.Status == Syncplane.Storage.RunStatus.Succeeded, result.Message);
        var events = await bed.Store.ReadEventsAsync(0, 1000, CancellationToken.None);
        return RunOutcome.From(events.Last(e => e.Type == EventTypes.RunSucceeded && e.RunId == result.RunId))!;
    }
}
