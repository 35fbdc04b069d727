using System.Text;
using System.Text.Json;
using static Syncplane.Tests.Webhooks.WebhookTestKit;

namespace Syncplane.Tests.Webhooks;

public class GitHubWebhookTests
{
    private static readonly Syncplane.Webhooks.WebhookReceiver Receiver =
        WebhookTestKit.Receiver("webhooks: { github: { secret: \"${env:GITHUB_WEBHOOK_SECRET}\" } }");

    [Fact]
    public void Receive_DocumentedTestVector_IsAcceptedUpToTheJsonBody()
    {
        // GitHub's documented vector signs "Hello, World!": the signature passes, so the rejection is about the body (400), not 401.
        using var vector = JsonDocument.Parse(Fixture("github.signature-test-vector.json"));
        var payload = Encoding.UTF8.GetBytes(vector.RootElement.GetProperty("payload").GetString()!);
        var header = vector.RootElement.GetProperty("X-Hub-Signature-256").GetString()!;

        Assert.Equal(header, GitHubSignature(payload, vector.RootElement.GetProperty("secret").GetString()!));
        Rejected(Receiver.Receive(GitHub("push", payload, header)), 400, "malformed JSON");
    }

    [Fact]
    public void Receive_DocumentedTestVectorWithAnotherSecret_IsUnauthorized()
    {
        using var vector = JsonDocument.Parse(Fixture("github.signature-test-vector.json"));
        var payload = Encoding.UTF8.GetBytes(vector.RootElement.GetProperty("payload").GetString()!);
        var receiver = WebhookTestKit.Receiver("webhooks: { github: { secret: \"${env:HOOK_TOKEN}\" } }");

        Rejected(receiver.Receive(GitHub("push", payload, vector.RootElement.GetProperty("X-Hub-Signature-256").GetString())), 401, "does not match");
    }

    [Fact]
    public void Receive_PushCreatingABranch_NormalizesRepositoryBranchAndPaths()
    {
        var delivery = Accepted(Receiver.Receive(GitHub("push", Fixture("github.push.with-new-branch.payload.json"))));

        Assert.Equal("github", delivery.Provider);
        Assert.Equal("72d3162e-cc78-11e3-81ab-4c9367dc0958", delivery.DeliveryId);
        Assert.Equal("push", delivery.EventType);
        Assert.Equal("Codertocat/Hello-World", delivery.Repository);
        Assert.Equal("master", delivery.Branch);
        Assert.Null(delivery.Tag);
        Assert.Equal(["README.md"], delivery.ChangedPaths);
        Assert.True(delivery.PathsComplete);
        Assert.False(delivery.IsPing);
        Assert.Equal(Clock.GetUtcNow(), delivery.ReceivedAt);
        Assert.Equal("github push Codertocat/Hello-World master: 1 changed path", delivery.Summary);
    }

    [Fact]
    public void Receive_PushDeletingATag_ParsesWithTagAndNoPaths()
    {
        var delivery = Accepted(Receiver.Receive(GitHub("push", Fixture("github.push.tag-deleted.payload.json"))));

        Assert.Null(delivery.Branch);
        Assert.Equal("simple-tag", delivery.Tag);
        Assert.Empty(delivery.ChangedPaths);
        Assert.Contains("deleted", delivery.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Receive_Ping_IsAcceptedAsPing()
    {
        var delivery = Accepted(Receiver.Receive(GitHub("ping", Fixture("github.ping.payload.json"))));

        Assert.True(delivery.IsPing);
        Assert.Equal("Octocoders/Hello-World", delivery.Repository);
    }

    [Fact]
    public void Receive_PullRequest_KeepsEventActionAndBaseBranch()
    {
        var delivery = Accepted(Receiver.Receive(GitHub("pull_request", Fixture("github.pull_request.closed.not-merged.payload.json"))));

        Assert.Equal("pull_request", delivery.EventType);
        Assert.Equal("closed", delivery.Attributes["action"]);
        Assert.Equal("master", delivery.Branch);
    }

    [Theory]
    [InlineData("sha256=0000000000000000000000000000000000000000000000000000000000000000", "does not match")]
    [InlineData("sha256=abcd", "does not match")]
    [InlineData("sha256=zz", "not a hex digest")]
    [InlineData("sha1=7d38cdd689735b008b3c702edd92eea23791c5f6", "must start with 'sha256='")]
    public void Receive_BadSignature_IsUnauthorized(string signature, string reason)
    {
        Rejected(Receiver.Receive(GitHub("push", Fixture("github.push.with-new-branch.payload.json"), signature)), 401, reason);
    }

    [Fact]
    public void Receive_SignatureCutShort_IsUnauthorized()
    {
        var body = Fixture("github.push.with-new-branch.payload.json");

        Rejected(Receiver.Receive(GitHub("push", body, GitHubSignature(body)[..^2])), 401, "does not match");
    }

    [Fact]
    public void Receive_MissingSignature_IsUnauthorized()
    {
        var body = Fixture("github.push.with-new-branch.payload.json");
        var request = Request("github", body, [("X-GitHub-Event", "push"), ("X-GitHub-Delivery", "d1")]);

        Rejected(Receiver.Receive(request), 401, "missing X-Hub-Signature-256");
    }

    [Fact]
    public void Receive_BodyTamperedAfterSigning_IsUnauthorized()
    {
        var body = Fixture("github.push.with-new-branch.payload.json");
        var signature = GitHubSignature(body);
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace("README.md", "evil.sh", StringComparison.Ordinal));

        Rejected(Receiver.Receive(GitHub("push", tampered, signature)), 401, "does not match");
    }

    [Fact]
    public void Receive_HeaderNamesInAnyCase_AreFound()
    {
        var body = Fixture("github.push.with-new-branch.payload.json");
        var request = Request("github", body, [("x-github-event", "push"), ("x-github-delivery", "d2"), ("x-hub-signature-256", GitHubSignature(body))]);

        Assert.Equal("d2", Accepted(Receiver.Receive(request)).DeliveryId);
    }

    [Fact]
    public void Receive_MissingDeliveryId_IsBadRequest()
    {
        var body = Fixture("github.ping.payload.json");
        var request = Request("github", body, [("X-GitHub-Event", "ping"), ("X-Hub-Signature-256", GitHubSignature(body))]);

        Rejected(Receiver.Receive(request), 400, "X-GitHub-Delivery");
    }

    [Fact]
    public void Receive_SignedMalformedJson_IsBadRequestWithPosition()
    {
        var body = Encoding.UTF8.GetBytes("{\n  \"ref\": \"refs/heads/main\",\n  \"commits\": [ oops ]\n}");

        Rejected(Receiver.Receive(GitHub("push", body)), 400, "malformed JSON in the GitHub payload at line 3, byte 16");
    }
}
