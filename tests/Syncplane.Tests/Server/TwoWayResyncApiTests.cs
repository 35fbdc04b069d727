using System.Net;
using System.Text.Json;
using Syncplane.Access;
using Syncplane.Storage;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Server;

/// <summary><c>POST /api/v1/targets/{name}/sync?resync=true</c>: a queued run of a bidirectional target that resyncs.</summary>
public sealed class TwoWayResyncApiTests : IAsyncLifetime
{
    private const string Yaml = """
        targets:
          both:
            direction: bidirectional
            source: { directory: { path: a } }
            destination: { directory: { path: b } }
          mirror:
            source: { directory: { path: a } }
            destination: { directory: { path: c } }
        """;

    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(Yaml, files: new Dictionary<string, string> { ["a/only-a.txt"] = "A", ["b/only-b.txt"] = "B" });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task SyncWithoutResync_IsRefused_ThenSyncWithResync_MakesBothSidesTheUnion()
    {
        using var client = _server.Client(ApiRole.Operator);

        var refused = await WaitAsync(await SyncAsync(client, "both/sync"));
        Assert.Equal(RunStatus.Refused, refused.Status);
        Assert.Contains("resync=true", refused.Message, StringComparison.Ordinal);

        var resynced = await WaitAsync(await SyncAsync(client, "both/sync?resync=true"));
        Assert.True(resynced.Status == RunStatus.Succeeded, resynced.Message);
        Assert.Equal("A", File.ReadAllText(_server.Directory.Combine("b", "only-a.txt")));
        Assert.Equal("B", File.ReadAllText(_server.Directory.Combine("a", "only-b.txt")));
    }

    [Theory]
    [InlineData("mirror/sync?resync=true", "bidirectional targets only")]
    [InlineData("both/sync?resync=maybe", "resync must be true or false")]
    public async Task BadResync_Is400_AndQueuesNothing(string path, string message)
    {
        using var client = _server.Client(ApiRole.Operator);

        var response = await client.PostAsync($"/api/v1/targets/{path}", null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await _server.Store.ListRunsAsync(new RunQuery(), CancellationToken.None));
    }

    private static async Task<long> SyncAsync(HttpClient client, string path)
    {
        var response = await client.PostAsync($"/api/v1/targets/{path}", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("run_id").GetInt64();
    }

    private async Task<RunRecord> WaitAsync(long runId)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            if (await _server.Store.GetRunAsync(runId, CancellationToken.None) is { Status: not (RunStatus.Queued or RunStatus.Running) } run)
            {
                return run;
            }

            await Task.Delay(50, deadline.Token);
        }
    }
}
