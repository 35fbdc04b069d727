using System.Net;
using Syncplane.Tests.Server;
using Syncplane.Tests.Support;
using static Syncplane.Tests.Server.WebhookServerKit;
using static Syncplane.Tests.Webhooks.WebhookTestKit;

namespace Syncplane.Tests.Projects;

/// <summary>
/// <c>POST /api/v1/projects/{project}/webhooks/{provider}</c> with a real signed GitHub push: only the named project's
/// matching targets are queued, though another project's target (and one in no project) match the same repository and branch.
/// </summary>
public sealed class ProjectWebhookTests : IAsyncLifetime
{
    private const string Yaml = """
        webhooks:
          github: { secret: "${file:secrets/github}" }
        targets:
          web-hello:
            entrypoint: "true"
            trigger: { webhook: { github: { repository: Codertocat/Hello-World, branch: master } } }
          web-other-branch:
            entrypoint: "true"
            trigger: { webhook: { github: { repository: Codertocat/Hello-World, branch: develop } } }
          data-hello:
            entrypoint: "true"
            trigger: { webhook: { github: { repository: Codertocat/Hello-World, branch: master } } }
          ops-hello:
            entrypoint: "true"
            trigger: { webhook: { github: { repository: Codertocat/Hello-World, branch: master } } }
        projects:
          web: { targets: ["web-*"] }
          data: { targets: ["data-*"] }
        """;

    private static readonly byte[] Push = Fixture("github.push.with-new-branch.payload.json");
    private TestServer _server = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        // No workers: what a delivery queued stays queued, for the store to show.
        _server = await StartAsync(workers: false, yaml: Yaml);
        _client = _server.Client();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task ADelivery_ToAProjectsRoute_QueuesOnlyThatProjectsMatchingTargets()
    {
        var (response, json) = await PostAsync(_client, "/api/v1/projects/web/webhooks/github", Push, GitHubHeaders("web-1"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(["web-hello"], json.GetProperty("matched").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(["web-hello"], Targets(json));
        Assert.Equal(["web-hello"], await QueuedTargetsAsync());

        // The same push to the global route queues every matching target, the other project's too.
        var (global, _) = await PostAsync(_client, "/api/v1/webhooks/github", Push, GitHubHeaders("global-1"));
        Assert.Equal(HttpStatusCode.Accepted, global.StatusCode);
        Assert.Equal(["data-hello", "ops-hello", "web-hello"], await QueuedTargetsAsync());
    }

    [Fact]
    public async Task ADelivery_ToAnUnknownProject_Is404_AndQueuesNothing_ButABadSignatureIs401First()
    {
        var (unknown, json) = await PostAsync(_client, "/api/v1/projects/nope/webhooks/github", Push, GitHubHeaders("nope-1"));
        var (unsigned, _) = await PostAsync(_client, "/api/v1/projects/nope/webhooks/github", Push, GitHubHeaders("nope-2", "sha256=" + new string('0', 64)));

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("no project named 'nope'", json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode); // an anonymous caller learns nothing about which projects exist
        Assert.Empty(await QueuedTargetsAsync());
        Assert.DoesNotContain(await _server.Store.ReadEventsAsync(0, 100, CancellationToken.None), e => e.Type is "webhook.received" or "run.queued");

        // The refused delivery id was not spent: the same delivery to a real project still triggers.
        var (real, _) = await PostAsync(_client, "/api/v1/projects/data/webhooks/github", Push, GitHubHeaders("nope-1"));
        Assert.Equal(HttpStatusCode.Accepted, real.StatusCode);
        Assert.Equal(["data-hello"], await QueuedTargetsAsync());
    }

    private static (string, string)[] GitHubHeaders(string delivery, string? signature = null) => GitHubPushHeaders(delivery, signature ?? GitHubSignature(Push));

    private Task<List<string>> QueuedTargetsAsync() => WebhookServerKit.QueuedTargetsAsync(_server);
}
