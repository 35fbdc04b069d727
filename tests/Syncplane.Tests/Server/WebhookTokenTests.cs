using System.Net;
using System.Text;
using Syncplane.Storage;
using Syncplane.Tests.Support;
using static Syncplane.Tests.Server.WebhookServerKit;
using static Syncplane.Tests.Webhooks.WebhookTestKit;

namespace Syncplane.Tests.Server;

/// <summary>
/// A shared webhook token must match exactly, wherever the provider sends it: a prefix of it, the token with
/// something appended, or an empty one is 401 over real HTTP and queues nothing; the exact token is accepted.
/// </summary>
public sealed class WebhookTokenTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private HttpClient _client = null!;

    public static TheoryData<string, string> Attempts()
    {
        var attempts = new TheoryData<string, string>();
        foreach (var provider in new[] { "gitlab", "pubsub", "cloudevents", "generic" })
        {
            foreach (var presented in new[] { Token[..^1], Token[..1], Token + "x", "" })
            {
                attempts.Add(provider, presented);
            }
        }

        return attempts;
    }

    public async Task InitializeAsync()
    {
        _server = await StartAsync(workers: false);
        _client = _server.Client();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(Attempts))]
    public async Task NotExactlyTheToken_Is401_AndQueuesNothing_WhileTheExactTokenIsAccepted(string provider, string presented)
    {
        var (refused, _) = await PostAsync(provider, presented);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Empty(await _server.Store.ListRunsAsync(new RunQuery(Limit: 10), CancellationToken.None));
        Assert.Empty(await _server.Store.ReadEventsAsync(0, 10, CancellationToken.None));

        var (accepted, json) = await PostAsync(provider, Token);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Single(Targets(json));
    }

    private Task<(HttpResponseMessage Response, System.Text.Json.JsonElement Json)> PostAsync(string provider, string token)
    {
        var delivery = Guid.NewGuid().ToString("n");
        return provider switch
        {
            "gitlab" => WebhookServerKit.PostAsync(_client, "/api/v1/webhooks/gitlab", Fixture("gitlab.push-hook.payload.json"),
                [("X-Gitlab-Event", "Push Hook"), ("X-Gitlab-Event-UUID", delivery), ("X-Gitlab-Token", token)]),
            "pubsub" => WebhookServerKit.PostAsync(_client, $"/api/v1/webhooks/pubsub?token={Uri.EscapeDataString(token)}", Fixture("pubsub.push-request.wrapped.json"), []),
            "cloudevents" => WebhookServerKit.PostAsync(_client, "/api/v1/webhooks/cloudevents", Fixture("cloudevents.json-format-v1.0.2.structured.C234.json"),
                [("Authorization", "Bearer " + token)], "application/cloudevents+json; charset=utf-8"),
            _ => WebhookServerKit.PostAsync(_client, "/api/v1/webhooks/generic", Encoding.UTF8.GetBytes("""{"event_type":"lz-update"}"""),
                [("Authorization", "Bearer " + token), ("Idempotency-Key", delivery)]),
        };
    }
}
