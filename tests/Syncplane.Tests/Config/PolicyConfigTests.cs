using Syncplane.Config;
using Syncplane.Engine.Policies;
using Syncplane.Scheduling;

namespace Syncplane.Tests.Config;

public class PolicyConfigTests
{
    private static SyncplaneConfig Parse(string yaml) => ConfigLoader.Default.Parse(yaml, "/work/cfg/syncplane.yaml");

    private static ConfigError SingleError(string yaml)
    {
        var ex = Assert.Throws<ConfigException>(() => Parse(yaml));
        return Assert.Single(ex.Errors);
    }

    [Fact]
    public void Parse_EveryPolicyKey_BindsToTheModel()
    {
        var config = Parse("""
            defaults:
              pause_after_failures: 5
              jitter: 20s
            rate_limits:
              ads-api: 180/hour
            targets:
              lz-docs:
                entrypoint: sync.sh
                schedule: "0 */6 * * *"
                timezone: Europe/Berlin
                rate_limit: 10/minute
              ad-metrics:
                entrypoint: ads.sh
                frequency: 30min
                rate_limit: ads-api
                depends_on: [lz-docs]
                pause_after_failures: 0
                jitter: off
                windows:
                  - { deny: "0 9 * * 1-5", duration: 8h, timezone: America/New_York }
                  - { allow: "0 0 * * *", duration: 12h, manual_override: true }
            """);

        var (docs, ads) = (config.Targets[0], config.Targets[1]);
        Assert.Equal(new RateLimit(180, TimeSpan.FromHours(1)), config.RateLimits["ads-api"]);
        Assert.Equal(new RateLimit(10, TimeSpan.FromMinutes(1)), docs.RateLimit);
        Assert.Null(docs.RateLimitBucket);
        Assert.Equal((5, TimeSpan.FromSeconds(20)), (docs.PauseAfterFailures, docs.Jitter)); // inherited
        Assert.Equal("ads-api", ads.RateLimitBucket);
        Assert.Equal(["lz-docs"], ads.DependsOn);
        Assert.Equal((0, TimeSpan.Zero), (ads.PauseAfterFailures, ads.Jitter));
        Assert.Equal(2, ads.Windows.Count);
        Assert.Equal((SyncWindowKind.Deny, "America/New_York", TimeSpan.FromHours(8), false), (ads.Windows[0].Kind, ads.Windows[0].TimeZone.Id, ads.Windows[0].Duration, ads.Windows[0].ManualOverride));
        Assert.Equal((SyncWindowKind.Allow, "UTC", true), (ads.Windows[1].Kind, ads.Windows[1].TimeZone.Id, ads.Windows[1].ManualOverride));
        Assert.Equal("shared/ads-api", RateLimitRegistry.FromConfig(config).BucketOf("ad-metrics")!.Key);
    }

    [Fact]
    public void Parse_WindowWithoutTimezone_UsesTheTargetsZone()
    {
        var target = Parse("""
            targets:
              a: { entrypoint: a.sh, schedule: "0 1 * * *", timezone: Europe/Berlin, windows: [ { deny: "0 9 * * *", duration: 1h } ] }
            """).Targets[0];

        Assert.Equal("Europe/Berlin", target.Windows[0].TimeZone.Id);
    }

    [Fact]
    public void Parse_DependencyCycle_ReportsThePathAtTheEdgeThatCloses()
    {
        var error = SingleError("""
            targets:
              a: { entrypoint: a.sh, depends_on: [b] }
              b: { entrypoint: b.sh, depends_on: [c] }
              c:
                entrypoint: c.sh
                depends_on: [a]
            """);

        Assert.Contains("depends_on forms a cycle: a -> b -> c -> a", error.Message);
        Assert.Equal((2, 39), (error.Line, error.Column));
    }

    [Fact]
    public void Parse_DependencyCycleThroughTwentyThousandTargets_NamesTheWholePath()
    {
        const int count = 20_000;
        var yaml = new System.Text.StringBuilder("targets:\n");
        for (var i = 0; i < count; i++)
        {
            yaml.Append($"  t{i}: {{ entrypoint: a.sh, depends_on: [t{(i + 1) % count}] }}\n");
        }

        var error = SingleError(yaml.ToString());

        var path = string.Join(" -> ", Enumerable.Range(0, count).Select(i => $"t{i}")) + " -> t0";
        Assert.Equal($"depends_on forms a cycle: {path}; a target cannot wait for itself", error.Message);
        Assert.Equal((2, 40), (error.Line, error.Column));
    }

    [Fact]
    public void Parse_SelfDependency_IsACycle()
    {
        var error = SingleError("""
            targets:
              a:
                entrypoint: a.sh
                depends_on: [x0, a]
              x0: { entrypoint: x.sh }
            """);

        Assert.Contains("a -> a", error.Message);
        Assert.Equal((4, 22), (error.Line, error.Column));
    }

    [Fact]
    public void Parse_UnknownDependency_NamesTheEntryAndTheKnownTargets()
    {
        var error = SingleError("""
            targets:
              a:
                entrypoint: a.sh
                depends_on: [b, lz-dcos]
              b: { entrypoint: b.sh }
            """);

        Assert.Equal((4, 21), (error.Line, error.Column));
        Assert.Contains("depends on 'lz-dcos', which is not a target; known targets: a, b", error.Message);
    }

    [Fact]
    public void Parse_DependencyOnABrokenTarget_ReportsOnlyTheBrokenTarget()
    {
        var error = SingleError("""
            targets:
              a: { entrypoint: a.sh, depends_on: [b] }
              b: { entrypoint: b.sh, timeout: soon }
            """);

        Assert.Contains("'timeout' must be a duration", error.Message);
    }

    [Theory]
    [InlineData("rate_limit: 0/hour", "must start with a whole number of calls of at least 1")]
    [InlineData("rate_limit: 5/fortnight", "has period 'fortnight'")]
    [InlineData("rate_limit: meta-api", "rate_limit 'meta-api' is neither calls/period")]
    [InlineData("pause_after_failures: -1", "'pause_after_failures' must be at least 0")]
    [InlineData("jitter: lots", "'jitter' must be a duration")]
    [InlineData("jitter: 10m\n    schedule: every 5m", "jitter 10m must be shorter than the schedule's interval (5m)")]
    [InlineData("windows: { deny: \"0 9 * * *\" }", "'windows' must be a list")]
    [InlineData("windows: [ { deny: \"0 9 * * *\" } ]", "missing required key 'duration'")]
    [InlineData("windows: [ { deny: \"0 9 * * *\", allow: \"0 1 * * *\", duration: 1h } ]", "exactly one of 'allow' or 'deny'")]
    [InlineData("windows: [ { deny: \"0 25 * * *\", duration: 1h } ]", "invalid window start '0 25 * * *'")]
    [InlineData("windows: [ { deny: \"0 9 * * *\", duration: 1h, timezone: Mars/Olympus } ]", "unknown time zone 'Mars/Olympus'")]
    [InlineData("windows: [ { deny: \"0 9 * * *\", duration: 1h, manual_override: sometimes } ]", "'manual_override' must be true or false")]
    [InlineData("windows: [ { deny: \"0 9 * * *\", duration: 1h, until: 5pm } ]", "unknown key 'until' in a window")]
    public void Parse_BadPolicyValue_IsRejectedOnItsLine(string line, string expected)
    {
        var error = SingleError($"""
            targets:
              docs:
                entrypoint: sync.sh
                {line}
            """);

        Assert.Equal(4, error.Line);
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("0s")]
    [InlineData("off")]
    public void Parse_JitterOff_IsZero(string value) =>
        Assert.Equal(TimeSpan.Zero, Parse($"targets:\n  a: {{ entrypoint: a.sh, jitter: {value} }}\n").Targets[0].Jitter);

    [Fact]
    public void Parse_BadSharedRateLimit_NamesItsPosition()
    {
        var error = SingleError("""
            rate_limits:
              ads-api: lots
            targets:
              docs: { entrypoint: sync.sh }
            """);

        Assert.Equal((2, 12), (error.Line, error.Column));
        Assert.Contains("'lots' is not a rate limit", error.Message);
    }

    [Fact]
    public void Parse_DefaultsPolicyKeys_AreValidated()
    {
        var error = SingleError("""
            defaults: { pause_after_failures: many }
            targets:
              docs: { entrypoint: sync.sh }
            """);

        Assert.Contains("'pause_after_failures' must be a whole number", error.Message);
    }
}
