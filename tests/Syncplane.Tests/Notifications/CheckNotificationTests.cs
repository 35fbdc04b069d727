using Syncplane.Checks;
using Syncplane.Storage;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Notifications;

/// <summary>
/// The seed's "Slack when Git diverged" (seeds/002, Webhooks &amp; Notifications): a node with a git check and a Slack
/// notifier on <c>check.changed</c> posts one message to a real receiver when the repository diverges.
/// </summary>
public sealed class CheckNotificationTests : IDisposable
{
    private readonly TempDirectory _repos = new();

    public void Dispose() => _repos.Dispose();

    [Fact]
    public async Task GitCheck_GoingFromSyncedToDiverged_SendsOneSlackMessage()
    {
        var home = Directory.CreateDirectory(_repos["home"]).FullName;
        var origin = TestGitRepository.Init(_repos["origin.git"], home, bare: true);
        var work = TestGitRepository.Init(_repos["work"], home);
        work.Commit("first", ("README.md", "hello\n"));
        work.Run(["remote", "add", "origin", origin.Path]);
        work.Run(["push", "--quiet", "-u", "origin", "main"]);
        // The check reads the repository through a symbolic link, so the diverged copy replaces it in one rename
        // and no check sees a half-made state (only ahead, or only behind).
        var link = Path.Combine(_repos.Path, "repo");
        File.CreateSymbolicLink(link, work.Path);
        await using var receiver = await NotificationReceiver.StartAsync();
        await using var server = await TestServer.StartAsync($$"""
            checks:
              repo: { git: "{{link}}", branch: main, interval: 1s }
              other: { command: "exit 1", interval: 1h }
            notifiers:
              slack: { webhook: "{{receiver.Url("/services/T000/B000/XXX")}}", format: slack, on: [check.changed], checks: [repo] }
            """, workers: false);
        await NotificationBed.WaitUntilAsync(
            () => server.Store.GetCursorAsync("notifier", CancellationToken.None).GetAwaiter().GetResult() is not null, "the dispatcher to start");
        await NotificationBed.WaitUntilAsync(() => Results(server, "repo") >= 2, "the synced repository to be checked twice");

        work.Run(["clone", "--quiet", "--bare", origin.Path, _repos["moved.git"]]);
        var other = TestGitRepository.Clone(_repos["moved.git"], _repos["other"], home);
        other.Commit("upstream", ("upstream.txt", "y"));
        other.Run(["push", "--quiet", "origin", "main"]);
        var diverged = TestGitRepository.Clone(origin.Path, _repos["diverged"], home);
        diverged.Commit("local", ("local.txt", "x"));
        diverged.Run(["remote", "set-url", "origin", _repos["moved.git"]]);
        File.CreateSymbolicLink(link + ".new", diverged.Path);
        using (var rename = System.Diagnostics.Process.Start("mv", ["-T", link + ".new", link]))
        {
            await rename.WaitForExitAsync();
            Assert.Equal(0, rename.ExitCode);
        }

        var message = Assert.Single(await receiver.WaitForAsync(1));
        Assert.Equal("/services/T000/B000/XXX", message.Path);
        Assert.Equal(
            "Syncplane: check *repo* is down (Diverged), was healthy: diverged from origin/main: 1 ahead, 1 behind (branch main, clean)",
            message.Json.GetProperty("text").GetString());
        var seen = Results(server, "repo");
        await NotificationBed.WaitUntilAsync(() => Results(server, "repo") >= seen + 2, "two more checks of the diverged repository");
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task CheckWords_SelectChangesByStatusAndName_InJsonAndGitHubDispatch_AndNoRunOutcomes()
    {
        await using var receiver = await NotificationReceiver.StartAsync();
        await using var bed = await NotificationBed.SqliteAsync();
        await bed.StartAsync($$"""
            notifiers:
              json: { webhook: "{{receiver.Url("/json")}}", on: [check.down], checks: ["repo*"] }
              dispatch: { webhook: "{{receiver.Url("/dispatch")}}", format: github_dispatch, on: [check.healthy] }
            """);
        var at = TimeProvider.System.GetUtcNow();
        CheckResult Result(string name, CheckStatus status, string state) =>
            new() { Name = name, Kind = "git", Status = status, Message = $"{name} is {state}", Details = new Dictionary<string, string> { ["state"] = state }, CheckedAt = at };

        var synced = Result("repo", CheckStatus.Healthy, "Synced");
        await CheckRecorder.RecordAsync(bed.Store, synced, null, CancellationToken.None); // a first healthy result: nothing
        await CheckRecorder.RecordAsync(bed.Store, Result("site", CheckStatus.Down, "Failed"), null, CancellationToken.None); // not repo*
        var diverged = Result("repo", CheckStatus.Down, "Diverged");
        await CheckRecorder.RecordAsync(bed.Store, diverged, synced, CancellationToken.None);
        await bed.RunEndsAsync("docs", RunStatus.Failed);
        await CheckRecorder.RecordAsync(bed.Store, synced, diverged, CancellationToken.None);

        var requests = await receiver.WaitForAsync(2);
        var json = Assert.Single(requests, r => r.Path == "/json").Json;
        Assert.Equal(("check.changed", "repo", "down", "healthy", "Diverged", "repo is Diverged"), (
            json.GetProperty("event").GetString(), json.GetProperty("check").GetString(), json.GetProperty("status").GetString(),
            json.GetProperty("previous").GetString(), json.GetProperty("state").GetString(), json.GetProperty("message").GetString()));
        var dispatch = Assert.Single(requests, r => r.Path == "/dispatch").Json;
        Assert.Equal("syncplane.check.healthy", dispatch.GetProperty("event_type").GetString());
        Assert.Equal("down", dispatch.GetProperty("client_payload").GetProperty("previous").GetString());
        await bed.RunEndsAsync("docs", RunStatus.Failed);
        await Task.Delay(500);
        Assert.Equal(2, receiver.Requests.Count);
    }

    private static int Results(TestServer server, string name) =>
        server.Store.ListCheckResultsAsync(name, null, 100, CancellationToken.None).GetAwaiter().GetResult().Count;
}
