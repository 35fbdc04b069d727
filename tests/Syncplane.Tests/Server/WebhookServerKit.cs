using System.Net.Http.Headers;
using System.Text.Json;
using Syncplane.Storage;
using Syncplane.Tests.Support;
using Syncplane.Tests.Webhooks;

namespace Syncplane.Tests.Server;

/// <summary>A server config whose targets match (or narrowly miss) the providers' documented example payloads, and a poster for them.</summary>
internal static class WebhookServerKit
{
    public const string Yaml = """
        webhooks:
          max_body: 16KiB
          github: { secret: "${file:secrets/github}" }
          gitlab: { token: "${file:secrets/token}" }
          pubsub: { token: "${file:secrets/token}" }
          cloudevents: { token: "${file:secrets/token}" }
          generic: { token: "${file:secrets/token}" }
        targets:
          hello-master:
            entrypoint: "true"
            trigger: { webhook: { github: { repository: Codertocat/Hello-World, branch: master, paths: [README.md] } } }
          hello-develop:
            entrypoint: "true"
            trigger: { webhook: { github: { repository: Codertocat/Hello-World, branch: develop } } }
          other-repo:
            entrypoint: "true"
            trigger: { webhook: { github: { repository: Codertocat/Other, branch: master } } }
          hello-docs-only:
            entrypoint: "true"
            trigger: { webhook: { github: { repository: Codertocat/Hello-World, branch: master, paths: ["docs/**"] } } }
          diaspora:
            entrypoint: "true"
            trigger: { webhook: { gitlab: { project: mike/diaspora, branch: master } } }
          assets:
            entrypoint: "true"
            trigger: { webhook: { pubsub: { subscription: projects/myproject/subscriptions/mysubscription, attributes: { key: value } } } }
          some-event:
            entrypoint: "true"
            trigger: { webhook: { cloudevents: { type: com.example.someevent, source: /mycontext } } }
          dispatch:
            entrypoint: "true"
            trigger: { webhook: { generic: { event: lz-update } } }
          unrelated:
            entrypoint: "true"
        """;

    public static readonly Dictionary<string, string> Secrets = new()
    {
        ["secrets/github"] = WebhookTestKit.GitHubSecret + "\n",
        ["secrets/token"] = WebhookTestKit.Token + "\n",
    };

    public static Task<TestServer> StartAsync(Func<TimeProvider, ISyncStore>? openStore = null, bool workers = true, string yaml = Yaml) =>
        TestServer.StartAsync(yaml, openStore, workers, files: Secrets);

    /// <summary>The headers GitHub sends with a push delivery.</summary>
    public static (string Name, string Value)[] GitHubPushHeaders(string delivery, string signature) =>
    [
        ("X-GitHub-Event", "push"),
        ("X-GitHub-Delivery", delivery),
        ("X-Hub-Signature-256", signature),
        ("User-Agent", "GitHub-Hookshot/044aadd"),
    ];

    /// <summary>The target of every run in the server's store, sorted (with no workers: what deliveries queued).</summary>
    public static async Task<List<string>> QueuedTargetsAsync(TestServer server) =>
        [.. (await server.Store.ListRunsAsync(new RunQuery(Limit: 100), CancellationToken.None)).Select(r => r.Target).Order(StringComparer.Ordinal)];

    public static async Task<(HttpResponseMessage Response, JsonElement Json)> PostAsync(
        HttpClient client, string path, byte[] body, IEnumerable<(string Name, string Value)> headers, string contentType = "application/json", bool chunked = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        HttpContent content = chunked ? new StreamContent(new UnseekableStream(body)) : new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Content = content;
        foreach (var (name, value) in headers)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                content.Headers.ContentType = MediaTypeHeaderValue.Parse(value);
            }
            else
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public static Task<(HttpResponseMessage Response, JsonElement Json)> PostGitHubAsync(
        HttpClient client, string eventType, byte[] body, string delivery, string? signature = null, bool chunked = false) =>
        PostAsync(client, "/api/v1/webhooks/github", body,
        [
            ("X-GitHub-Event", eventType),
            ("X-GitHub-Delivery", delivery),
            ("X-Hub-Signature-256", signature ?? WebhookTestKit.GitHubSignature(body)),
            ("User-Agent", "GitHub-Hookshot/044aadd"),
        ], chunked: chunked);

    public static IEnumerable<string?> Targets(JsonElement accepted) =>
        accepted.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("target").GetString());

    /// <summary>A stream without a known length, so the client sends the body chunked (no Content-Length).</summary>
    private sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
