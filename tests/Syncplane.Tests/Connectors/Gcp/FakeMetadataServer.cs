using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Connectors.Gcp;

/// <summary>
/// The Compute Engine metadata server as Google.Apis.Auth talks to it (found through <c>GCE_METADATA_HOST</c>), on
/// 127.0.0.1: every answer carries <c>Metadata-Flavor: Google</c>, which is how the library knows it is one; requests
/// without that header get 403, as Google's does. <c>GET /computeMetadata/v1/instance/service-accounts/default/token</c>
/// answers <c>{access_token, expires_in, token_type}</c> with a new token each time; <c>…/universe/universe-domain</c>
/// answers <c>googleapis.com</c>.
/// </summary>
internal sealed class FakeMetadataServer : IAsyncDisposable
{
    private const string Flavor = "Metadata-Flavor";
    private LoopbackWebApp _app = null!;
    private int _issued;

    /// <summary>The lifetime given to tokens. <value>3600 s</value></summary>
    public int ExpiresIn { get; set; } = 3600;

    /// <summary>Tokens issued, in order.</summary>
    public ConcurrentQueue<string> Issued { get; } = new();

    /// <summary><c>host:port</c>, the value of <c>GCE_METADATA_HOST</c>.</summary>
    public string Host => new Uri(_app.BaseUrl).Authority;

    public static async Task<FakeMetadataServer> StartAsync()
    {
        var server = new FakeMetadataServer();
        server._app = await LoopbackWebApp.StartAsync(app => app.Run(server.HandleAsync));
        return server;
    }

    public bool IsValid(string token) => Issued.Contains(token);

    private async Task HandleAsync(HttpContext context)
    {
        context.Response.Headers[Flavor] = "Google";
        if (context.Request.Headers[Flavor] != "Google")
        {
            context.Response.StatusCode = 403;
            await context.Response.WriteAsync("Missing Metadata-Flavor:Google header.");
            return;
        }

        switch (context.Request.Path.Value)
        {
            case "/" or "":
                await context.Response.WriteAsync("computeMetadata/\n");
                return;
            case "/computeMetadata/v1/instance/service-accounts/default/token":
                var token = $"ya29.metadata-{Interlocked.Increment(ref _issued).ToString(CultureInfo.InvariantCulture)}";
                Issued.Enqueue(token);
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(new JsonObject { ["access_token"] = token, ["expires_in"] = ExpiresIn, ["token_type"] = "Bearer" }.ToJsonString());
                return;
            case "/computeMetadata/v1/universe/universe-domain":
                await context.Response.WriteAsync("googleapis.com");
                return;
            default:
                context.Response.StatusCode = 404;
                return;
        }
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
