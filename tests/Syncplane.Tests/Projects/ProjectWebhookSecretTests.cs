using System.Net;
using Syncplane.Tests.Server;
using Syncplane.Tests.Support;
using static Syncplane.Tests.Server.WebhookServerKit;
using static Syncplane.Tests.Webhooks.WebhookTestKit;

namespace Syncplane.Tests.Projects;

/// <summary>
/// <c>projects.NAME.webhooks</c>: a project with its own secrets is reached only through its own route, with its own
/// secret. A member of project web who knows web's GitHub secret signs a real push that matches every project's
/// targets: it queues web's target and nothing of data's, through any route, and the shared top-level secret cannot
/// queue a target of either project.
/// </summary>
public sealed class ProjectWebhookSecretTests : IAsyncLifetime
{
    private const string WebSecret = "web-team-secret";
    private const string DataSecret = "data-team-secret";

    private const string Yaml = """
        webhooks:
          github: { secret: "${file:secrets/github}" }
        targets:
          web-hello:
            entrypoint: "true"
            trigger: { webhook: { github: { repository: Codertocat/Hello-World, branch: master } } }
          data-hello:
            entrypoint: "true"
            trigger: { webhook: { github: { repository: Codertocat/Hello-World, branch: master } } }
          ops-hello:
            entrypoint: "true"
            trigger: { webhook: { github: { repository: Codertocat/Hello-World, branch: master } } }
        projects:
          web:
            targets: ["web-*"]
            webhooks: { github: { secret: "${file:secrets/web-github}" } }
          data:
            targets: ["data-*"]
            webhooks: { github: { secret: "${file:secrets/data-github}" } }
        """;

    private static readonly byte[] Push = Fixture("github.push.with-new-branch.payload.json");
    private TestServer _server = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        // No workers: what a delivery queued stays queued, for the store to show.
        _server = await TestServer.StartAsync(Yaml, workers: false, files: new Dictionary<string, string>
        {
            ["secrets/github"] = GitHubSecret,
            ["secrets/web-github"] = WebSecret,
            ["secrets/data-github"] = DataSecret,
        });
        _client = _server.Client();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task AProjectsOwnSecret_QueuesItsOwnTargets_AndIsRefusedEverywhereElse()
    {
        var (own, json) = await PostAsync(_client, "/api/v1/projects/web/webhooks/github", Push, Headers("web-1", WebSecret));
        var (otherProject, _) = await PostAsync(_client, "/api/v1/projects/data/webhooks/github", Push, Headers("web-2", WebSecret));
        var (global, _) = await PostAsync(_client, "/api/v1/webhooks/github", Push, Headers("web-3", WebSecret));

        Assert.Equal(HttpStatusCode.Accepted, own.StatusCode);
        Assert.Equal(["web-hello"], json.GetProperty("matched").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (otherProject.StatusCode, global.StatusCode));
        Assert.Equal(["web-hello"], await QueuedTargetsAsync());
    }

    [Fact]
    public async Task TheSharedSecret_CannotReachAProjectWithItsOwn_AndTheGlobalRouteSkipsItsTargets()
    {
        var (projectRoute, _) = await PostAsync(_client, "/api/v1/projects/data/webhooks/github", Push, Headers("shared-1", GitHubSecret));
        var (global, json) = await PostAsync(_client, "/api/v1/webhooks/github", Push, Headers("shared-2", GitHubSecret));

        Assert.Equal(HttpStatusCode.Unauthorized, projectRoute.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, global.StatusCode);
        Assert.Equal(["ops-hello"], json.GetProperty("matched").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(["ops-hello"], await QueuedTargetsAsync());
    }

    [Fact]
    public async Task DeliveryIds_AreSpentPerProject_SoOneTeamCannotPreSpendAnothersIds()
    {
        var (web, _) = await PostAsync(_client, "/api/v1/projects/web/webhooks/github", Push, Headers("same-id", WebSecret));
        var (data, _) = await PostAsync(_client, "/api/v1/projects/data/webhooks/github", Push, Headers("same-id", DataSecret));
        var (again, json) = await PostAsync(_client, "/api/v1/projects/data/webhooks/github", Push, Headers("same-id", DataSecret));

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (web.StatusCode, data.StatusCode));
        Assert.True(json.GetProperty("duplicate").GetBoolean());
        Assert.Equal(["data-hello", "web-hello"], await QueuedTargetsAsync());
    }

    private static (string, string)[] Headers(string delivery, string secret) => GitHubPushHeaders(delivery, GitHubSignature(Push, secret));

    private Task<List<string>> QueuedTargetsAsync() => WebhookServerKit.QueuedTargetsAsync(_server);
}
