using System.Security.Cryptography;
using System.Text;
using Syncplane.Config;
using Syncplane.Tests.Support;
using Syncplane.Webhooks;

namespace Syncplane.Tests.Webhooks;

/// <summary>Fixture files, a receiver built from real config text, and request builders.</summary>
internal static class WebhookTestKit
{
    public const string GitHubSecret = "It's a Secret to Everybody";
    public const string Token = "s3cr3t-token-value";

    public static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    public static byte[] Fixture(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Webhooks", "Fixtures", name));

    public static SyncplaneConfig LoadConfig(string yaml) => ConfigLoader.Default.Parse(yaml, "/work/cfg/syncplane.yaml");

    /// <summary>A receiver for the given <c>webhooks:</c> section, with secrets taken from a fake environment.</summary>
    public static WebhookReceiver Receiver(string webhooksSection)
    {
        var config = LoadConfig(webhooksSection + "\ntargets:\n  t:\n    entrypoint: sync.sh\n");
        var environment = new Dictionary<string, string>
        {
            ["GITHUB_WEBHOOK_SECRET"] = GitHubSecret,
            ["HOOK_TOKEN"] = Token,
        };
        return new WebhookReceiver(config.Webhooks, new SecretResolver("/work/cfg", n => environment.GetValueOrDefault(n)), Clock);
    }

    public static WebhookRequest Request(string provider, byte[] body, IEnumerable<(string Name, string Value)> headers, IEnumerable<(string Name, string Value)>? query = null) =>
        new(provider,
            headers.Select(h => KeyValuePair.Create(h.Name, h.Value)),
            query?.Select(q => KeyValuePair.Create(q.Name, q.Value)),
            body);

    public static string GitHubSignature(byte[] body, string secret = GitHubSecret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    public static WebhookRequest GitHub(string eventType, byte[] body, string? signature = null, string delivery = "72d3162e-cc78-11e3-81ab-4c9367dc0958") =>
        Request("github", body,
        [
            ("X-GitHub-Event", eventType),
            ("X-GitHub-Delivery", delivery),
            ("X-Hub-Signature-256", signature ?? GitHubSignature(body)),
            ("Content-Type", "application/json"),
            ("User-Agent", "GitHub-Hookshot/044aadd"),
        ]);

    public static InboundDelivery Accepted(WebhookVerdict verdict)
    {
        Assert.True(verdict.Accepted, $"rejected with {verdict.StatusCode}: {verdict.Reason}");
        return verdict.Delivery!;
    }

    public static void Rejected(WebhookVerdict verdict, int status, string reasonPart)
    {
        Assert.False(verdict.Accepted);
        Assert.Null(verdict.Delivery);
        Assert.Equal(status, verdict.StatusCode);
        Assert.Contains(reasonPart, verdict.Reason, StringComparison.Ordinal);
    }

    /// <summary>Splits a spec-style <c>.http</c> example (header lines, blank line, body) into headers and body bytes.</summary>
    public static (List<(string Name, string Value)> Headers, byte[] Body) HttpExample(string name)
    {
        var text = Encoding.UTF8.GetString(Fixture(name)).Replace("\r\n", "\n", StringComparison.Ordinal);
        var split = text.IndexOf("\n\n", StringComparison.Ordinal);
        var headers = text[..split].Split('\n')
            .Select(line => (line[..line.IndexOf(':', StringComparison.Ordinal)].Trim(), line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim()))
            .ToList();
        return (headers, Encoding.UTF8.GetBytes(text[(split + 2)..]));
    }
}
