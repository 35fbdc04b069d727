using System.Text;
using Syncplane.Config;
using Syncplane.Webhooks;
using static Syncplane.Tests.Webhooks.WebhookTestKit;

namespace Syncplane.Tests.Webhooks;

public class WebhookMatcherTests
{
    private static IReadOnlyList<TargetConfig> Targets(string targets) => LoadConfig("targets:\n" + targets).Targets;

    private static InboundDelivery Push(string repository = "acme/landing-zone", string? branch = "main", string[]? paths = null, string? tag = null, bool complete = true, string eventType = "push") => new()
    {
        Provider = "github",
        EventType = eventType,
        Repository = repository,
        Branch = branch,
        Tag = tag,
        ChangedPaths = paths ?? ["docs/index.md"],
        PathsComplete = complete,
        Summary = "test",
    };

    private static readonly IReadOnlyList<TargetConfig> LandingZone = Targets("""
          lz-docs:
            entrypoint: sync.sh
            trigger:
              every: 6h
              webhook:
                github: { repository: acme/landing-zone, branch: main, paths: [docs/**, pmo.yaml] }
          lz-tags:
            entrypoint: sync.sh
            trigger: { webhook: { github: { repository: acme/landing-zone, tag: "v*" } } }
          other:
            entrypoint: sync.sh
            trigger: { webhook: { github: { repository: acme/other } } }
        """);

    [Fact]
    public void Match_PushToWatchedRepositoryBranchAndPath_MatchesOnlyThatTarget()
    {
        Assert.Equal(["lz-docs"], WebhookMatcher.Match(Push(), LandingZone));
        Assert.Equal(["lz-docs"], WebhookMatcher.Match(Push(paths: ["src/a.cs", "pmo.yaml"]), LandingZone));
    }

    [Fact]
    public void Match_RepositoryIsCaseInsensitive_BranchIsExact()
    {
        Assert.Equal(["lz-docs"], WebhookMatcher.Match(Push(repository: "ACME/Landing-Zone"), LandingZone));
        Assert.Empty(WebhookMatcher.Match(Push(branch: "Main"), LandingZone));
    }

    [Theory]
    [InlineData("acme/elsewhere", "main", "docs/index.md")]
    [InlineData("acme/landing-zone", "feature/x", "docs/index.md")]
    [InlineData("acme/landing-zone", "main", "src/docs/index.md")]
    [InlineData("acme/landing-zone", "main", "pmo.yml")]
    public void Match_OtherRepositoryBranchOrPath_MatchesNothing(string repository, string branch, string path)
    {
        Assert.Empty(WebhookMatcher.Match(Push(repository, branch, [path]), LandingZone));
    }

    [Fact]
    public void Match_IncompletePathList_MatchesRatherThanMissASync()
    {
        Assert.Equal(["lz-docs"], WebhookMatcher.Match(Push(paths: ["src/a.cs"], complete: false), LandingZone));
    }

    [Fact]
    public void Match_TagPush_MatchesTagMatcherNotBranchMatcher()
    {
        Assert.Equal(["lz-tags"], WebhookMatcher.Match(Push(branch: null, tag: "v1.2.0"), LandingZone));
        Assert.Empty(WebhookMatcher.Match(Push(branch: null, tag: "nightly"), LandingZone));
    }

    [Fact]
    public void Match_GitMatcherWithoutEvents_IgnoresNonPushEvents()
    {
        var targets = Targets("""
              any-push: { entrypoint: sync.sh, trigger: { webhook: { github: { repository: acme/other } } } }
              on-pr: { entrypoint: sync.sh, trigger: { webhook: { github: { repository: acme/other, events: [pull_request] } } } }
            """);

        Assert.Equal(["any-push"], WebhookMatcher.Match(Push("acme/other"), targets));
        Assert.Equal(["on-pr"], WebhookMatcher.Match(Push("acme/other", eventType: "pull_request"), targets));
    }

    [Fact]
    public void Match_GitLabTagPush_MatchesTagMatcherWithoutEvents()
    {
        var targets = Targets("""
              releases: { entrypoint: sync.sh, trigger: { webhook: { gitlab: { project: group/proj, tag: "v*" } } } }
            """);
        var tagPush = Push("group/proj", branch: null, tag: "v2.0") with { Provider = "gitlab", EventType = "tag_push" };

        Assert.Equal(["releases"], WebhookMatcher.Match(tagPush, targets));
        Assert.Empty(WebhookMatcher.Match(tagPush with { EventType = "merge_request" }, targets));
    }

    [Fact]
    public void Match_Ping_MatchesNothing()
    {
        Assert.Empty(WebhookMatcher.Match(Push() with { IsPing = true }, LandingZone));
    }

    [Fact]
    public void Match_ListOfMatchers_AnyOneMatches_TargetListedOnce()
    {
        var targets = Targets("""
              two:
                entrypoint: sync.sh
                trigger:
                  webhook:
                    github:
                      - { repository: acme/a }
                      - { repository: "acme/*" }
            """);

        Assert.Equal(["two"], WebhookMatcher.Match(Push("acme/a"), targets));
        Assert.Equal(["two"], WebhookMatcher.Match(Push("acme/b"), targets));
        Assert.Empty(WebhookMatcher.Match(Push("other/a"), targets));
    }

    [Fact]
    public void Match_ProviderMustAgree()
    {
        Assert.Empty(WebhookMatcher.Match(Push() with { Provider = "gitlab" }, LandingZone));
    }

    [Fact]
    public void Match_PubSubSubscriptionAndAttributes()
    {
        var targets = Targets("""
              gcs: { entrypoint: sync.sh, trigger: { webhook: { pubsub: { subscription: projects/p/subscriptions/s, attributes: { eventType: OBJECT_FINALIZE } } } } }
            """);
        InboundDelivery Message(string subscription, string eventType) => new()
        {
            Provider = "pubsub",
            EventType = "message",
            Repository = subscription,
            Attributes = new Dictionary<string, string> { ["eventType"] = eventType },
            Summary = "m",
        };

        Assert.Equal(["gcs"], WebhookMatcher.Match(Message("projects/p/subscriptions/s", "OBJECT_FINALIZE"), targets));
        Assert.Empty(WebhookMatcher.Match(Message("projects/p/subscriptions/s", "OBJECT_DELETE"), targets));
        Assert.Empty(WebhookMatcher.Match(Message("projects/p/subscriptions/t", "OBJECT_FINALIZE"), targets));
    }

    [Fact]
    public void Match_RealDeliveries_FromReceiverToTargets()
    {
        var config = LoadConfig("""
            webhooks:
              github: { secret: "${env:GITHUB_WEBHOOK_SECRET}" }
              cloudevents: { token: "${env:HOOK_TOKEN}" }
              generic: { token: "${env:HOOK_TOKEN}" }
            targets:
              readme: { entrypoint: sync.sh, trigger: { webhook: { github: { repository: codertocat/hello-world, branch: master, paths: [README.md] } } } }
              ce: { entrypoint: sync.sh, trigger: { webhook: { cloudevents: { type: "com.example.*", source: /mycontext, attributes: { data.appinfoA: abc } } } } }
              ce-pr: { entrypoint: sync.sh, trigger: { webhook: { cloudevents: { type: com.github.pull_request.opened, subject: "1*" } } } }
              portal: { entrypoint: sync.sh, trigger: { webhook: { generic: { event: lz-update, fields: { client_payload.trigger: landing-zone-change } } } } }
            """);
        var receiver = WebhookTestKit.Receiver("""
            webhooks:
              github: { secret: "${env:GITHUB_WEBHOOK_SECRET}" }
              cloudevents: { token: "${env:HOOK_TOKEN}" }
              generic: { token: "${env:HOOK_TOKEN}" }
            """);
        var bearer = ("Authorization", "Bearer " + Token);
        var structured = ("Content-Type", "application/cloudevents+json");
        var dispatch = Encoding.UTF8.GetBytes("""{"event_type": "lz-update", "client_payload": {"trigger": "landing-zone-change"}}""");

        Assert.Equal(["readme"], WebhookMatcher.Match(Accepted(receiver.Receive(GitHub("push", Fixture("github.push.with-new-branch.payload.json")))), config.Targets));
        Assert.Empty(WebhookMatcher.Match(Accepted(receiver.Receive(GitHub("push", Fixture("github.push.tag-deleted.payload.json")))), config.Targets));
        Assert.Equal(["ce"], WebhookMatcher.Match(Accepted(receiver.Receive(Request("cloudevents", Fixture("cloudevents.json-format-v1.0.2.structured.C234.json"), [structured, bearer]))), config.Targets));
        Assert.Equal(["ce-pr"], WebhookMatcher.Match(Accepted(receiver.Receive(Request("cloudevents", Fixture("cloudevents.spec-v1.0.2.example.json"), [structured, bearer]))), config.Targets));
        Assert.Equal(["portal"], WebhookMatcher.Match(Accepted(receiver.Receive(Request("generic", dispatch, [bearer]))), config.Targets));
    }

    [Fact]
    public void Match_FiveThousandTargets_FindsExactlyTheMatchingOnes()
    {
        var yaml = new StringBuilder("targets:\n");
        for (var i = 0; i < 5000; i++)
        {
            var paths = i % 2 == 0 ? "[docs/**]" : "[src/**]";
            yaml.Append(System.Globalization.CultureInfo.InvariantCulture, $"  t{i}: {{ entrypoint: sync.sh, trigger: {{ webhook: {{ github: {{ repository: org/repo{i % 100}, branch: main, paths: {paths} }} }} }} }}\n");
        }

        yaml.Append("  wild: { entrypoint: sync.sh, trigger: { webhook: { github: { repository: \"org/*\" } } } }\n");
        var targets = LoadConfig(yaml.ToString()).Targets;
        var matcher = new WebhookMatcher(targets);

        var matched = matcher.Match(Push("org/repo42", paths: ["docs/a.md"]));

        // repo42 is t42, t142, …, t4942 (50 targets); the even ones watch docs/**; plus the wildcard target.
        var expected = Enumerable.Range(0, 5000).Where(i => i % 100 == 42 && i % 2 == 0).Select(i => $"t{i}").Append("wild");
        Assert.Equal(expected, matched);
        Assert.Equal(50, matched.Count - 1);
    }
}
