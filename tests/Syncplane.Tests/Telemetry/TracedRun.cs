using System.Diagnostics;
using System.Net;
using System.Text;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Syncplane.Storage;
using Syncplane.Telemetry;
using Syncplane.Tests.Server;
using Syncplane.Tests.Support;
using Syncplane.Tests.Webhooks;

namespace Syncplane.Tests.Telemetry;

/// <summary>
/// Records the <c>Syncplane</c> spans with OpenTelemetry's in-memory exporter while a generic webhook queues a run of a
/// directory target and a worker runs it; finds that run's spans among those of other tests running in the process.
/// </summary>
internal sealed class TracedRun : IDisposable
{
    public const string Target = "traced-mirror";

    public const string Yaml = $$"""
        defaults: { verify: true }
        webhooks:
          generic: { token: "${file:secrets/token}" }
        targets:
          {{Target}}:
            source: { directory: { path: src } }
            destination: { directory: { path: dst } }
            verification: { command: "test -f dst/hello.txt" }
            trigger: { webhook: { generic: { event: traced-update } } }
        """;

    public static readonly Dictionary<string, string> Files = new()
    {
        ["secrets/token"] = WebhookTestKit.Token + "\n",
        ["src/hello.txt"] = "hello\n",
    };

    private readonly List<Activity> _exported = [];
    private readonly TracerProvider _provider;

    public TracedRun() =>
        _provider = Sdk.CreateTracerProviderBuilder().AddSource(SyncplaneTracing.SourceName).AddInMemoryExporter(_exported).Build()!;

    /// <summary>A delivery id of this test's own: other tests' spans are recorded too.</summary>
    public string DeliveryId { get; } = $"traced-{Guid.NewGuid():n}";

    /// <summary>Posts the delivery to <paramref name="intake"/>; returns the queued run's id once <paramref name="store"/> says it succeeded.</summary>
    public async Task<long> TriggerAsync(HttpClient intake, ISyncStore store)
    {
        var body = Encoding.UTF8.GetBytes("""{"event_type":"traced-update"}""");
        var (response, json) = await WebhookServerKit.PostAsync(intake, "/api/v1/webhooks/generic", body, [("Authorization", "Bearer " + WebhookTestKit.Token), ("Idempotency-Key", DeliveryId)]);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var runId = json.GetProperty("runs")[0].GetProperty("run_id").GetInt64();
        var clock = Stopwatch.StartNew();
        while ((await store.GetRunAsync(runId, CancellationToken.None))?.Status != RunStatus.Succeeded)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"run {runId} did not succeed");
            await Task.Delay(50);
        }

        return runId;
    }

    /// <summary>The spans exported so far (the run's spans end before its end is recorded).</summary>
    public IReadOnlyList<Activity> Spans
    {
        get
        {
            _provider.ForceFlush();
            lock (_exported)
            {
                return [.. _exported];
            }
        }
    }

    /// <summary>Asserts the run's trace: one run span, its phases as children, and a link to the webhook span that queued it.</summary>
    public void AssertRunTrace(long runId)
    {
        var spans = Spans;
        var webhook = Assert.Single(spans, s => s.DisplayName == SyncplaneTracing.WebhookSpan && Equals(s.GetTagItem("syncplane.webhook.delivery_id"), DeliveryId));
        var run = Assert.Single(spans, s => s.DisplayName == SyncplaneTracing.RunSpan && s.Links.Any(l => l.Context.SpanId == webhook.SpanId));
        var phases = spans.Where(s => s.TraceId == run.TraceId && s.ParentSpanId == run.SpanId).OrderBy(s => s.StartTimeUtc).Select(s => s.DisplayName);
        var link = Assert.Single(run.Links);

        Assert.Equal(["gates", "snapshot", "plan", "apply", "verify"], phases);
        Assert.Equal(
            (Target, runId, "webhook:generic", "succeeded", 1, 0, 0),
            (run.GetTagItem("syncplane.target"), run.GetTagItem("syncplane.run.id"), run.GetTagItem("syncplane.run.trigger"), run.GetTagItem("syncplane.run.outcome"),
             run.GetTagItem("syncplane.run.creates"), run.GetTagItem("syncplane.run.updates"), run.GetTagItem("syncplane.run.deletes")));
        Assert.Equal(default, run.ParentSpanId); // a trace of its own: it ran later, on a worker
        Assert.Equal(ActivityStatusCode.Unset, run.Status);
        Assert.Equal(webhook.TraceId, link.Context.TraceId);
        Assert.NotEqual(webhook.TraceId, run.TraceId);
        Assert.Equal("generic", webhook.GetTagItem("syncplane.webhook.provider"));
        Assert.Equal([runId], (long[])webhook.GetTagItem("syncplane.webhook.run_ids")!);
    }

    public void Dispose() => _provider.Dispose();
}
