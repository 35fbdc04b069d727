using System.Net;
using System.Text;
using Syncplane.Storage;
using Syncplane.Tests.Support;
using static Syncplane.Tests.Webhooks.WebhookTestKit;

namespace Syncplane.Tests.Server;

/// <summary>A delivery that matches more targets than the response lists (the first 100) still queues a run for every one of them.</summary>
public sealed class WebhookFanOutTests
{
    private const int Targets = 250;

    [Fact]
    public async Task DeliveryMatching250Targets_QueuesARunForEachOfThem()
    {
        var yaml = new StringBuilder("webhooks:\n  generic: { token: \"${file:secrets/token}\" }\ntargets:\n");
        for (var i = 0; i < Targets; i++)
        {
            yaml.Append(System.Globalization.CultureInfo.InvariantCulture, $"  t{i:000}: {{ entrypoint: \"true\", trigger: {{ webhook: {{ generic: {{ event: fan-out }} }} }} }}\n");
        }

        yaml.Append("  unrelated: { entrypoint: \"true\" }\n");
        await using var server = await TestServer.StartAsync(yaml.ToString(), workers: false, files: new Dictionary<string, string> { ["secrets/token"] = Token });
        using var client = server.Client();

        var (response, json) = await WebhookServerKit.PostAsync(client, "/api/v1/webhooks/generic", Encoding.UTF8.GetBytes("""{"event_type":"fan-out"}"""),
            [("Authorization", "Bearer " + Token), ("Idempotency-Key", "fan-out-1")]);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(Targets, json.GetProperty("matched").GetArrayLength());
        var expected = Enumerable.Range(0, Targets).Select(i => $"t{i:000}").ToList();
        var queued = new List<string>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (queued.Count < Targets && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            queued = [.. (await server.Store.ListRunsAsync(new RunQuery(Limit: 1000), CancellationToken.None)).Select(r => r.Target).Order(StringComparer.Ordinal)];
        }

        Assert.Equal(expected, queued);
        Assert.All(await server.Store.ListRunsAsync(new RunQuery(Limit: 1000), CancellationToken.None), r => Assert.Equal("webhook:generic", r.Trigger));
    }
}
