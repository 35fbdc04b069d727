using System.Net;
using System.Text;
using System.Text.Json;
using Syncplane.Access;
using Syncplane.Storage;
using Syncplane.Tests.Support;
using static Syncplane.Tests.Server.WebhookServerKit;
using static Syncplane.Tests.Webhooks.WebhookTestKit;

namespace Syncplane.Tests.Server;

/// <summary>Real provider payloads posted to the real server: what they trigger, and what is refused without changing anything.</summary>
public sealed class WebhookEndpointTests : IAsyncLifetime
{
    private static readonly byte[] Push = Fixture("github.push.with-new-branch.payload.json");
    private TestServer _server = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await StartAsync();
        _client = _server.Client();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task GitHubPush_WithAValidSignature_RunsExactlyTheMatchingTarget_AndRunSucceededArrivesOverSse()
    {
        using var viewer = _server.Client(ApiRole.Viewer);
        await using var events = await SseClient.ConnectAsync(viewer, "/api/v1/events?type=run.succeeded&type=webhook.received");

        var (response, json) = await PostGitHubAsync(_client, "push", Push, "d-1");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("d-1", json.GetProperty("delivery_id").GetString());
        Assert.Equal(["hello-master"], json.GetProperty("matched").EnumerateArray().Select(m => m.GetString()));
        var run = json.GetProperty("runs").EnumerateArray().Single();
        Assert.Equal("hello-master", run.GetProperty("target").GetString());
        Assert.False(run.GetProperty("coalesced").GetBoolean());
        var runId = run.GetProperty("run_id").GetInt64();

        var received = await events.NextAsync(expecting: "webhook.received");
        Assert.Equal("webhook.received", received.Type);
        Assert.Equal("github", received.Data.GetProperty("provider").GetString());
        Assert.Equal("push", received.Data.GetProperty("event").GetString());
        Assert.Equal("Codertocat/Hello-World", received.Data.GetProperty("repository").GetString());
        Assert.Equal("master", received.Data.GetProperty("branch").GetString());
        Assert.Equal("d-1", received.Data.GetProperty("delivery_id").GetString());
        Assert.Equal(["hello-master"], received.Data.GetProperty("matched").EnumerateArray().Select(m => m.GetString()));

        var succeeded = await events.NextAsync(expecting: "run.succeeded");
        Assert.Equal(("run.succeeded", runId, "hello-master"), (succeeded.Type, succeeded.RunId!.Value, succeeded.Target));

        var runs = await _server.Store.ListRunsAsync(new RunQuery(Limit: 100), CancellationToken.None);
        var only = Assert.Single(runs);
        Assert.Equal(("hello-master", "webhook:github"), (only.Target, only.Trigger));
    }

    [Theory]
    [InlineData("wrong")]
    [InlineData("missing")]
    [InlineData("other-secret")]
    public async Task GitHubPush_WithABadOrMissingSignature_Is401_AndChangesNothing(string kind)
    {
        var signature = kind switch
        {
            "wrong" => "sha256=" + new string('0', 64),
            "other-secret" => GitHubSignature(Push, "not the secret"),
            _ => null,
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/webhooks/github") { Content = new ByteArrayContent(Push) };
        request.Headers.Add("X-GitHub-Event", "push");
        request.Headers.Add("X-GitHub-Delivery", "d-bad");
        if (signature is not null)
        {
            request.Headers.Add("X-Hub-Signature-256", signature);
        }

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("X-Hub-Signature-256", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await AssertNothingChangedAsync();

        // The delivery id was not spent: the genuine delivery with that id still triggers.
        Assert.Equal(HttpStatusCode.Accepted, (await PostGitHubAsync(_client, "push", Push, "d-bad")).Response.StatusCode);
    }

    [Fact]
    public async Task GitHubRedelivery_OfTheSameDeliveryId_TriggersNothingTwice()
    {
        var (first, _) = await PostGitHubAsync(_client, "push", Push, "same-id");
        var eventsAfterFirst = await _server.Store.GetLastEventIdAsync(CancellationToken.None);
        var (again, json) = await PostGitHubAsync(_client, "push", Push, "same-id");

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.True(json.GetProperty("duplicate").GetBoolean());
        var all = await _server.Store.ReadEventsAsync(0, 1000, CancellationToken.None);
        Assert.Single(all, e => e.Type == "webhook.received");
        Assert.DoesNotContain(all, e => e.Id > eventsAfterFirst && e.Type is "webhook.received" or "run.queued");
        Assert.Single(await _server.Store.ListRunsAsync(new RunQuery(Limit: 100), CancellationToken.None));
    }

    [Fact]
    public async Task GitHubPing_IsAnswered_AndStartsNothing()
    {
        var (response, json) = await PostGitHubAsync(_client, "ping", Fixture("github.ping.payload.json"), "ping-1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(json.GetProperty("ping").GetBoolean());
        await AssertNothingChangedAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task OversizedBody_Is413_WithOrWithoutContentLength_AndChangesNothing(bool chunked)
    {
        var big = Fixture("github.pull_request.closed.not-merged.payload.json"); // 28 KB, validly signed; the limit is 16 KiB

        var (response, json) = await PostGitHubAsync(_client, "pull_request", big, "d-big", chunked: chunked);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("max_body", json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await AssertNothingChangedAsync();
    }

    [Fact]
    public async Task MalformedJson_WithAValidSignature_Is400_AndChangesNothing()
    {
        var broken = Push[..(Push.Length / 2)];

        var (response, json) = await PostGitHubAsync(_client, "push", broken, "d-broken");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("malformed JSON", json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await AssertNothingChangedAsync();
    }

    [Fact]
    public async Task UnknownProvider_Is404()
    {
        var (response, _) = await PostAsync(_client, "/api/v1/webhooks/bitbucket", Push, []);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await AssertNothingChangedAsync();
    }

    [Fact]
    public async Task GitLabPushHook_WithItsToken_RunsTheProject_AndAWrongTokenIs401()
    {
        using var doc = JsonDocument.Parse(Fixture("gitlab.push-hook.headers.json"));
        List<(string, string)> headers = [.. doc.RootElement.EnumerateObject().Where(p => p.Name != "X-Gitlab-Token").Select(p => (p.Name, p.Value.GetString()!))];
        var body = Fixture("gitlab.push-hook.payload.json");

        var (refused, _) = await PostAsync(_client, "/api/v1/webhooks/gitlab", body, [.. headers, ("X-Gitlab-Token", "my-secret-token")]);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        await AssertNothingChangedAsync();

        var (response, json) = await PostAsync(_client, "/api/v1/webhooks/gitlab", body, [.. headers, ("X-Gitlab-Token", Token)]);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(["diaspora"], Targets(json));
    }

    [Fact]
    public async Task PubSubPush_WithTheTokenInTheQuery_RunsTheSubscription_AndTheTokenIsNotRecorded()
    {
        var body = Fixture("pubsub.push-request.wrapped.json");

        var (wrong, _) = await PostAsync(_client, "/api/v1/webhooks/pubsub?token=guess", body, []);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        var (response, json) = await PostAsync(_client, $"/api/v1/webhooks/pubsub?token={Token}", body, []);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(["assets"], Targets(json));
        var recorded = await _server.Store.ReadEventsAsync(0, 1000, CancellationToken.None);
        Assert.Contains(recorded, e => e.Type == "webhook.received" && e.Data.Contains("2070443601311540", StringComparison.Ordinal));
        Assert.DoesNotContain(recorded, e => e.Data.Contains(Token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task CloudEventStructured_RunsTheMatchingTarget()
    {
        var (response, json) = await PostAsync(_client, "/api/v1/webhooks/cloudevents", Fixture("cloudevents.json-format-v1.0.2.structured.C234.json"),
            [("Authorization", "Bearer " + Token)], "application/cloudevents+json; charset=utf-8");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(["some-event"], Targets(json));
    }

    [Fact]
    public async Task CloudEventBinary_RunsTheMatchingTarget_AndItsRedeliveryNothing()
    {
        var (headers, body) = HttpExample("cloudevents.json-format-v1.0.2.binary.C234.http");

        var (response, json) = await PostAsync(_client, "/api/v1/webhooks/cloudevents", body, [.. headers, ("Authorization", "Bearer " + Token)]);
        var (again, _) = await PostAsync(_client, "/api/v1/webhooks/cloudevents", body, [.. headers, ("Authorization", "Bearer " + Token)]);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(["some-event"], Targets(json));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Single(await _server.Store.ListRunsAsync(new RunQuery(Limit: 100), CancellationToken.None));
    }

    [Fact]
    public async Task GenericEvent_RunsTheMatchingTarget_AndAnotherEventNothing()
    {
        var dispatch = Encoding.UTF8.GetBytes("""{"event_type":"lz-update","client_payload":{"trigger":"landing-zone-change"}}""");
        var other = Encoding.UTF8.GetBytes("""{"event_type":"something-else"}""");

        var (response, json) = await PostAsync(_client, "/api/v1/webhooks/generic", dispatch, [("Authorization", "Bearer " + Token), ("Idempotency-Key", "g-1")]);
        var (unmatched, none) = await PostAsync(_client, "/api/v1/webhooks/generic", other, [("Authorization", "Bearer " + Token), ("Idempotency-Key", "g-2")]);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(["dispatch"], Targets(json));
        Assert.Equal(HttpStatusCode.Accepted, unmatched.StatusCode);
        Assert.Empty(none.GetProperty("matched").EnumerateArray());
        Assert.Single(await _server.Store.ListRunsAsync(new RunQuery(Limit: 100), CancellationToken.None));
    }

    private async Task AssertNothingChangedAsync()
    {
        Assert.Empty(await _server.Store.ListRunsAsync(new RunQuery(Limit: 100), CancellationToken.None));
        Assert.Empty(await _server.Store.ReadEventsAsync(0, 100, CancellationToken.None));
    }
}
