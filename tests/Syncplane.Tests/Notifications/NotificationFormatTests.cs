using Syncplane.Storage;

namespace Syncplane.Tests.Notifications;

/// <summary>What a receiver gets, format by format, over real HTTP on 127.0.0.1.</summary>
public sealed class NotificationFormatTests : IAsyncLifetime
{
    private NotificationReceiver _receiver = null!;
    private NotificationBed _bed = null!;

    public async Task InitializeAsync()
    {
        _receiver = await NotificationReceiver.StartAsync();
        _bed = await NotificationBed.SqliteAsync();
    }

    public async Task DisposeAsync()
    {
        await _bed.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task Json_PostsTheRunOutcomeWithConfiguredHeaders()
    {
        _bed.Environment["HOOK_TOKEN"] = "s3cr3t-token";
        await _bed.StartAsync($$"""
            notifiers:
              ops:
                webhook: "{{_receiver.Url("/hooks/ops")}}"
                headers: { X-Token: "${env:HOOK_TOKEN}" }
            """);

        var runId = await _bed.RunEndsAsync("docs", RunStatus.Failed, "git clone failed: exit 128", attempt: 3);

        var request = (await _receiver.WaitForAsync(1)).Single();
        Assert.Equal("/hooks/ops", request.Path);
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Equal("s3cr3t-token", request.Headers["X-Token"]);
        var json = request.Json;
        Assert.Equal("run.failed", json.GetProperty("event").GetString());
        Assert.Equal(runId, json.GetProperty("run_id").GetInt64());
        Assert.Equal("docs", json.GetProperty("target").GetString());
        Assert.Equal("failed", json.GetProperty("status").GetString());
        Assert.Equal("git clone failed: exit 128", json.GetProperty("message").GetString());
        Assert.Equal(3, json.GetProperty("attempt").GetInt32());
        Assert.Equal("schedule", json.GetProperty("trigger").GetString());
        Assert.Equal("abc123", json.GetProperty("source_revision").GetString());
        Assert.False(json.GetProperty("recovered").GetBoolean());
        Assert.True(json.GetProperty("event_id").GetInt64() > 0);
        Assert.True(DateTimeOffset.TryParse(json.GetProperty("at").GetString(), out _));
        foreach (var key in new[] { "creates", "updates", "deletes", "duration_ms" })
        {
            Assert.True(json.TryGetProperty(key, out _), key);
        }
    }

    [Fact]
    public async Task Slack_PostsATextBodyWithMarkupEscaped()
    {
        await _bed.StartAsync($$"""
            notifiers:
              chat: { webhook: "{{_receiver.Url("/services/T0/B0/X")}}", format: slack }
            """);

        var runId = await _bed.RunEndsAsync("docs", RunStatus.Failed, "exit 1 <stderr> & more", attempt: 2);

        var json = (await _receiver.WaitForAsync(1)).Single().Json;
        Assert.Equal(["text"], json.EnumerateObject().Select(p => p.Name));
        Assert.Equal($"Syncplane: target *docs* failed (run {runId}, attempt 2): exit 1 &lt;stderr&gt; &amp; more", json.GetProperty("text").GetString());
    }

    [Fact]
    public async Task GitHubDispatch_PostsEventTypeAndClientPayloadWithTheTokenHeader()
    {
        _bed.Environment["GH_TOKEN"] = "ghp_example";
        await _bed.StartAsync($$"""
            notifiers:
              portal:
                webhook: "{{_receiver.Url("/repos/kushin77/GCP-landing-zone-Portal/dispatches")}}"
                format: github_dispatch
                on: [succeeded]
                headers: { Authorization: "Bearer ${env:GH_TOKEN}" }
              custom:
                webhook: "{{_receiver.Url("/custom/dispatches")}}"
                format: github_dispatch
                on: [succeeded]
                event_type: "lz-update-{target}"
            """);

        var runId = await _bed.RunEndsAsync("lz-docs", RunStatus.Succeeded, "3 files written");

        var requests = await _receiver.WaitForAsync(2);
        var portal = requests.Single(r => r.Path.StartsWith("/repos/", StringComparison.Ordinal));
        Assert.Equal("application/vnd.github+json", portal.Headers["Accept"]);
        Assert.Equal("Bearer ghp_example", portal.Headers["Authorization"]);
        Assert.Equal("syncplane.run.succeeded", portal.Json.GetProperty("event_type").GetString());
        var payload = portal.Json.GetProperty("client_payload");
        Assert.Equal(runId, payload.GetProperty("run_id").GetInt64());
        Assert.Equal("lz-docs", payload.GetProperty("target").GetString());
        Assert.Equal("succeeded", payload.GetProperty("status").GetString());
        Assert.Equal("3 files written", payload.GetProperty("message").GetString());
        Assert.Equal("abc123", payload.GetProperty("revision").GetString());
        Assert.True(payload.EnumerateObject().Count() <= 10, "GitHub allows at most 10 top-level client_payload properties");
        var custom = requests.Single(r => r.Path.StartsWith("/custom/", StringComparison.Ordinal));
        Assert.Equal("lz-update-lz-docs", custom.Json.GetProperty("event_type").GetString());
    }
}
