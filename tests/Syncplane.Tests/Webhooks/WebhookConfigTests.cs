using Syncplane.Config;
using Syncplane.Scheduling;
using Syncplane.Webhooks;
using static Syncplane.Tests.Webhooks.WebhookTestKit;

namespace Syncplane.Tests.Webhooks;

public class WebhookConfigTests
{
    private static ConfigError SingleError(string yaml)
    {
        var ex = Assert.Throws<ConfigException>(() => LoadConfig(yaml));
        return Assert.Single(ex.Errors);
    }

    [Fact]
    public void Parse_WebhookTrigger_BindsMatchersAndKeepsSchedule()
    {
        var target = LoadConfig("""
            targets:
              lz-docs:
                entrypoint: sync.sh
                trigger:
                  every: 6h
                  webhook:
                    github: { repository: acme/landing-zone, branch: main, paths: [docs/**, pmo.yaml], events: [push] }
                    gitlab: [ { project: group/proj, branch: main }, { project: group/proj, tag: "v*" } ]
                    pubsub: { subscription: projects/p/subscriptions/s, attributes: { eventType: OBJECT_FINALIZE } }
                    cloudevents: { type: com.github.push, source: "/repos/*", subject: main }
                    generic: { event: lz-update, fields: { client_payload.trigger: landing-zone-change } }
            """).Targets.Single();

        Assert.Equal(ScheduleKind.Interval, target.Schedule.Kind);
        Assert.Equal(["github", "gitlab", "gitlab", "pubsub", "cloudevents", "generic"], target.Webhooks.Select(w => w.Provider));
        var github = target.Webhooks[0];
        Assert.Equal("acme/landing-zone", github.Repository);
        Assert.Equal(["docs/**", "pmo.yaml"], github.Paths.Select(p => p.Pattern));
        Assert.Equal("v*", target.Webhooks[2].Tag);
        Assert.Equal("OBJECT_FINALIZE", target.Webhooks[3].Attributes["eventType"]);
        Assert.Equal(["com.github.push"], target.Webhooks[4].Events);
        Assert.Equal("/repos/*", target.Webhooks[4].Repository);
        Assert.Equal(["lz-update"], target.Webhooks[5].Events);
    }

    [Fact]
    public void Parse_OnlyAWebhookTrigger_StaysManual()
    {
        var target = LoadConfig("targets: { t: { entrypoint: sync.sh, trigger: { webhook: { github: { repository: a/b } } } } }").Targets.Single();

        Assert.Equal(ScheduleKind.Manual, target.Schedule.Kind);
        Assert.Single(target.Webhooks);
    }

    [Fact]
    public void Parse_WebhooksSection_BindsProvidersAndMaxBody()
    {
        var webhooks = LoadConfig("""
            webhooks:
              max_body: 512KiB
              github: { secret: "${env:GITHUB_WEBHOOK_SECRET}" }
              gitlab: { token: "${file:secrets/gitlab}" }
              pubsub: { token: "${env:PUBSUB_TOKEN}" }
              cloudevents: { token: "${env:CE_TOKEN}", token_in: query }
              generic: { allow_unauthenticated: true }
            targets: { t: { entrypoint: sync.sh } }
            """).Webhooks;

        Assert.Equal(512 * 1024, webhooks.MaxBodyBytes);
        Assert.Equal("${env:GITHUB_WEBHOOK_SECRET}", webhooks.Providers["github"].Secret); // a reference, resolved per request
        Assert.Equal(WebhookTokenLocation.Query, webhooks.Providers["pubsub"].TokenIn);
        Assert.Equal(WebhookTokenLocation.Query, webhooks.Providers["cloudevents"].TokenIn);
        Assert.True(webhooks.Providers["generic"].AllowUnauthenticated);
        Assert.Null(webhooks.Providers["generic"].Secret);
    }

    [Theory]
    [InlineData("github: { secret: \"${env:X}\", token: \"${env:Y}\" }", 1, "token", "unknown key 'token' in webhooks.github; expected one of: secret")]
    [InlineData("github: { secret: plain-text-secret }", 1, "plain-text-secret", "must be a secret reference")]
    [InlineData("github: { secret: \"${vault:x}\" }", 1, "\"${vault", "is not a secret reference")]
    [InlineData("github: {}", 1, "{}", "webhooks.github needs 'secret'")]
    [InlineData("gitlab: { allow_unauthenticated: true }", 1, "allow_unauthenticated", "unknown key 'allow_unauthenticated' in webhooks.gitlab")]
    [InlineData("generic: {}", 1, "{}", "or set allow_unauthenticated: true")]
    [InlineData("generic: { token: \"${env:T}\", allow_unauthenticated: true }", 1, "true", "sets both 'token' and allow_unauthenticated")]
    [InlineData("pubsub: { token: \"${env:T}\", token_in: body }", 1, "body", "token_in must be query or header, found 'body'")]
    [InlineData("pubsub: { token: \"${env:T}\", token_header: X-T }", 1, "X-T", "token_header but token_in is query")]
    [InlineData("max_body: 1GiB", 1, "1GiB", "max_body must be a size")]
    [InlineData("max_body: 64MiB", 1, "64MiB", "max_body must be a size")]
    [InlineData("bitbucket: {}", 1, "bitbucket", "unknown key 'bitbucket' in webhooks")]
    public void Parse_BadWebhooksSection_IsRejectedWithPosition(string entry, int line, string pointsAt, string expected)
    {
        var yaml = $"webhooks: {{ {entry} }}\ntargets: {{ t: {{ entrypoint: sync.sh }} }}\n";
        var error = SingleError(yaml);

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal((line, ColumnOf(yaml, line, pointsAt)), (error.Line, error.Column));
    }

    [Theory]
    [InlineData("webhook: { bitbucket: {} }", 6, "bitbucket", "unknown key 'bitbucket' in trigger.webhook")]
    [InlineData("webhook: { github: { project: a/b } }", 6, "project", "unknown key 'project' in trigger.webhook.github")]
    [InlineData("webhook: { github: { branch: main, tag: v1 } }", 6, "v1", "sets both 'branch' and 'tag'")]
    [InlineData("webhook: { gitlab: { paths: [\"docs/[a\"] } }", 6, "\"docs", "invalid glob 'docs/[a'")]
    [InlineData("webhook: { pubsub: { attributes: [a] } }", 6, "[a]", "'attributes' must be a mapping")]
    [InlineData("webhook: {}", 6, "{}", "names no provider")]
    [InlineData("hook: {}", 6, "hook", "unknown key 'hook' in trigger; expected one of: every, cron, webhook")]
    public void Parse_BadWebhookTrigger_IsRejectedWithPosition(string trigger, int line, string pointsAt, string expected)
    {
        var yaml = $"""
            version: 1
            targets:
              t:
                entrypoint: sync.sh
                trigger:
                  {trigger}
            """;
        var error = SingleError(yaml);

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal((line, ColumnOf(yaml, line, pointsAt)), (error.Line, error.Column));
    }

    /// <summary>The 1-based column of the last occurrence of <paramref name="text"/> on a 1-based line: the node the error must point at.</summary>
    private static int ColumnOf(string yaml, int line, string text) => yaml.Split('\n')[line - 1].LastIndexOf(text, StringComparison.Ordinal) + 1;
}
