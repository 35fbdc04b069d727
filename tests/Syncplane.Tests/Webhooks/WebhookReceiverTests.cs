using System.Text;
using Syncplane.Config;
using Syncplane.Webhooks;
using static Syncplane.Tests.Webhooks.WebhookTestKit;

namespace Syncplane.Tests.Webhooks;

public class WebhookReceiverTests
{
    private static readonly byte[] Ping = Fixture("github.ping.payload.json");

    [Fact]
    public void Receive_ProviderWithoutSecret_RejectsEveryDelivery()
    {
        var receiver = WebhookTestKit.Receiver("webhooks: { gitlab: { token: \"${env:HOOK_TOKEN}\" } }");

        Rejected(receiver.Receive(GitHub("ping", Ping)), 401, "no secret configured for github webhooks");
        Rejected(receiver.Receive(Request("generic", Encoding.UTF8.GetBytes("{}"), [])), 401, "no secret configured for generic webhooks");
    }

    [Fact]
    public void Receive_NoWebhooksSection_RejectsEveryProvider()
    {
        var receiver = WebhookTestKit.Receiver("");

        foreach (var provider in WebhookProviders.All)
        {
            Rejected(receiver.Receive(Request(provider, Encoding.UTF8.GetBytes("{}"), [])), 401, $"no secret configured for {provider} webhooks");
        }
    }

    [Fact]
    public void Receive_UnresolvableSecret_IsUnauthorizedWithoutNamingTheReference()
    {
        var receiver = WebhookTestKit.Receiver("webhooks: { github: { secret: \"${env:UNSET_VARIABLE}\" } }");

        var verdict = receiver.Receive(GitHub("ping", Ping));

        Rejected(verdict, 401, "cannot be resolved");
        Assert.DoesNotContain("UNSET_VARIABLE", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Receive_Rejections_NeverContainTheSecret()
    {
        var receiver = WebhookTestKit.Receiver("webhooks: { github: { secret: \"${env:GITHUB_WEBHOOK_SECRET}\" }, gitlab: { token: \"${env:HOOK_TOKEN}\" } }");

        var verdicts = new[]
        {
            receiver.Receive(GitHub("push", Ping, "sha256=00")),
            receiver.Receive(Request("gitlab", Ping, [("X-Gitlab-Token", Token[..^1]), ("X-Gitlab-Event", "Push Hook")])),
        };

        Assert.All(verdicts, v => Assert.DoesNotContain(GitHubSecret, v.Reason, StringComparison.Ordinal));
        Assert.All(verdicts, v => Assert.DoesNotContain(Token[..^1], v.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Receive_BodyOverMaxBody_IsTooLarge_BeforeAuthentication()
    {
        var receiver = WebhookTestKit.Receiver("webhooks: { max_body: 1KiB, github: { secret: \"${env:GITHUB_WEBHOOK_SECRET}\" } }");
        var body = new byte[1025];

        Assert.Equal(1024, receiver.MaxBodyBytes);
        Rejected(receiver.Receive(GitHub("push", body)), 413, "larger than webhooks.max_body (1024 bytes)");
        Rejected(receiver.Receive(GitHub("push", body, "sha256=00")), 413, "1025 bytes");
    }

    [Fact]
    public void Receive_BodyAtMaxBody_IsNotTooLarge()
    {
        var receiver = WebhookTestKit.Receiver("webhooks: { max_body: 1KiB, generic: { allow_unauthenticated: true } }");
        var body = Encoding.UTF8.GetBytes("{\"pad\": \"" + new string('x', 1024 - 11) + "\"}");

        Assert.Equal(1024, body.Length);
        Accepted(receiver.Receive(Request("generic", body, [])));
    }

    [Fact]
    public void Receive_DefaultMaxBody_IsOneMebibyte()
    {
        var receiver = WebhookTestKit.Receiver("webhooks: { generic: { allow_unauthenticated: true } }");

        Assert.Equal(1024 * 1024, receiver.MaxBodyBytes);
        Rejected(receiver.Receive(Request("generic", new byte[(1024 * 1024) + 1], [])), 413, "larger than webhooks.max_body");
    }

    [Fact]
    public void Receive_UnknownProvider_IsNotFound()
    {
        var receiver = WebhookTestKit.Receiver("");

        Rejected(receiver.Receive(Request("bitbucket", Ping, [])), 404, "unknown webhook provider 'bitbucket'");
    }

    [Fact]
    public void Receive_FileSecret_IsReadAtRequestTime()
    {
        var directory = Directory.CreateTempSubdirectory("syncplane-webhook-");
        try
        {
            File.WriteAllText(Path.Combine(directory.FullName, "hook.secret"), GitHubSecret + "\n");
            var config = ConfigLoader.Default.Parse(
                "webhooks: { github: { secret: \"${file:hook.secret}\" } }\ntargets: { t: { entrypoint: sync.sh } }\n",
                Path.Combine(directory.FullName, "syncplane.yaml"));
            var receiver = new WebhookReceiver(config.Webhooks, new SecretResolver(directory.FullName), Clock);

            Accepted(receiver.Receive(GitHub("ping", Ping)));
            File.WriteAllText(Path.Combine(directory.FullName, "hook.secret"), "rotated");
            Rejected(receiver.Receive(GitHub("ping", Ping)), 401, "does not match");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
