using System.Text.Json;
using static Syncplane.Tests.Webhooks.WebhookTestKit;

namespace Syncplane.Tests.Webhooks;

public class GitLabWebhookTests
{
    private static readonly Syncplane.Webhooks.WebhookReceiver Receiver =
        WebhookTestKit.Receiver("webhooks: { gitlab: { token: \"${env:HOOK_TOKEN}\" } }");

    /// <summary>The documented example headers, with the documented token replaced by the configured one.</summary>
    private static List<(string Name, string Value)> Headers(string? token = Token, string? without = null)
    {
        using var doc = JsonDocument.Parse(Fixture("gitlab.push-hook.headers.json"));
        var headers = doc.RootElement.EnumerateObject()
            .Where(p => p.Name != "X-Gitlab-Token" && p.Name != without)
            .Select(p => (p.Name, p.Value.GetString()!))
            .ToList();
        if (token is not null)
        {
            headers.Add(("X-Gitlab-Token", token));
        }

        return headers;
    }

    [Fact]
    public void Receive_DocumentedPushHook_NormalizesProjectBranchAndPaths()
    {
        var delivery = Accepted(Receiver.Receive(Request("gitlab", Fixture("gitlab.push-hook.payload.json"), Headers())));

        Assert.Equal("push", delivery.EventType);
        Assert.Equal("mike/diaspora", delivery.Repository);
        Assert.Equal("master", delivery.Branch);
        Assert.Equal(["CHANGELOG", "app/controller/application.rb"], delivery.ChangedPaths);
        Assert.Equal("f5e5f430-f57b-4e6e-9fac-d9128cd7232f", delivery.DeliveryId); // Idempotency-Key: stable across retries
    }

    [Fact]
    public void Receive_DocumentedPushHook_ListsTwoOfFourCommits_SoPathsAreIncomplete()
    {
        var delivery = Accepted(Receiver.Receive(Request("gitlab", Fixture("gitlab.push-hook.payload.json"), Headers())));

        Assert.False(delivery.PathsComplete); // total_commits_count: 4, commits: 2
    }

    [Fact]
    public void Receive_WithoutIdempotencyKey_FallsBackToEventUuid()
    {
        var delivery = Accepted(Receiver.Receive(Request("gitlab", Fixture("gitlab.push-hook.payload.json"), Headers(without: "Idempotency-Key"))));

        Assert.Equal("13792a34-cac6-4fda-95a8-c58e00a3954e", delivery.DeliveryId);
    }

    [Theory]
    [InlineData("my-secret-token", "X-Gitlab-Token does not match")]
    [InlineData(Token + "x", "X-Gitlab-Token does not match")]
    [InlineData(null, "missing X-Gitlab-Token")]
    public void Receive_WrongOrMissingToken_IsUnauthorized(string? token, string reason)
    {
        Rejected(Receiver.Receive(Request("gitlab", Fixture("gitlab.push-hook.payload.json"), Headers(token))), 401, reason);
    }
}
