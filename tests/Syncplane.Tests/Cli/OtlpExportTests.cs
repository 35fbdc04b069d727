using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Cli;

/// <summary>A real <c>syncplane serve</c> with <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set posts its spans and metrics over OTLP/HTTP protobuf.</summary>
public sealed class OtlpExportTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public OtlpExportTests() => _dir.Write("syncplane.yaml", """
        targets:
          docs: { entrypoint: "true" }
        """);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task WithTheStandardEndpointVariable_ARunsSpansAndTheMetricsArePostedAsProtobuf()
    {
        await using var collector = new LoopbackHttpServer(() => new LoopbackHttpServer.Reply(200, ""));
        var created = await SyncplaneCli.RunAsync(_dir.Path, "token", "create", "--name", "ops", "--role", "operator");
        Assert.True(created.ExitCode == 0, created.All);
        var environment = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{collector.Port}",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100", // export spans within 100 ms rather than 5 s
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
        };

        using var serve = Process.Start(SyncplaneCli.StartInfo(_dir.Path, environment, "serve", "--urls", "http://127.0.0.1:0"))!;
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        serve.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.IndexOf("listening on ", StringComparison.Ordinal) is { } at and >= 0)
            {
                listening.TrySetResult(new Uri(e.Data[(at + "listening on ".Length)..].Split(',')[0].Trim()));
            }
        };
        serve.BeginOutputReadLine();
        try
        {
            using var client = new HttpClient { BaseAddress = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60)), Timeout = TimeSpan.FromSeconds(30) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created.Stdout.Trim());
            using var sync = await client.PostAsync("/api/v1/targets/docs/sync", null);
            Assert.Equal(HttpStatusCode.Accepted, sync.StatusCode);

            var clock = Stopwatch.StartNew();
            while (!(Posted(collector, "/v1/traces") && Posted(collector, "/v1/metrics")) && clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(50);
            }

            var traces = collector.Requests.Where(r => r.StartsWith("POST /v1/traces ", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(traces);
            Assert.All(traces, r => Assert.Matches(@"(?im)^content-type: application/x-protobuf", r));
            Assert.Contains(collector.Requests, r => r.StartsWith("POST /v1/metrics ", StringComparison.Ordinal) && r.Contains("application/x-protobuf", StringComparison.OrdinalIgnoreCase));
            Assert.All(traces, r => Assert.Matches(@"(?im)^content-length: [1-9]", r));
            await SyncplaneCli.TerminateAsync(serve, TimeSpan.FromSeconds(60));
        }
        finally
        {
            if (!serve.HasExited)
            {
                serve.Kill(entireProcessTree: true);
            }
        }
    }

    private static bool Posted(LoopbackHttpServer collector, string path) =>
        collector.Requests.Any(r => r.StartsWith($"POST {path} ", StringComparison.Ordinal));
}
