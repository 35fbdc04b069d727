using System.Net;
using System.Text.Json;
using Syncplane.Access;
using Syncplane.Storage;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Server;

/// <summary>
/// <c>?access_token=</c> works on the event stream only (EventSource cannot send headers); on every other route a
/// token in the URL is refused with 401 and a problem saying to use the header, even a valid admin token.
/// </summary>
public sealed class QueryTokenTests : IAsyncLifetime
{
    private const string Yaml = """
        targets:
          docs:
            entrypoint: "true"
        """;

    private TestServer _server = null!;

    /// <summary>Every API route, plus the routes that need no token at all.</summary>
    public static TheoryData<string, string> Routes()
    {
        var routes = new TheoryData<string, string>();
        foreach (var route in ApiAccessTests.Routes)
        {
            routes.Add((string)route[0], (string)route[1]);
        }

        routes.Add("GET", "/api/v1/events/recent");
        routes.Add("GET", "/healthz");
        routes.Add("GET", "/readyz");
        routes.Add("GET", "/");
        routes.Add("GET", "/api/v1/openapi.json");
        routes.Add("POST", "/api/v1/webhooks/generic");
        routes.Add("GET", "/api/v1/no-such-route");
        return routes;
    }

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(Yaml, workers: false, anonymous: ApiRole.Viewer);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task AccessTokenInTheQuery_OutsideTheEventStream_Is401_AndChangesNothing(string method, string path)
    {
        var token = Uri.EscapeDataString(_server.Token(ApiRole.Admin));
        using var anonymous = _server.Client();
        using var admin = _server.Client(ApiRole.Admin);

        using var alone = await SendAsync(anonymous, method, $"{path}?access_token={token}");
        using var withHeader = await SendAsync(admin, method, $"{path}?access_token={token}");
        using var otherCase = await SendAsync(anonymous, method, $"{path}?ACCESS_TOKEN={token}");

        foreach (var response in new[] { alone, withHeader, otherCase })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var detail = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString();
            Assert.Contains("Authorization: Bearer", detail, StringComparison.Ordinal);
            Assert.DoesNotContain(_server.Token(ApiRole.Admin), detail, StringComparison.Ordinal);
        }

        Assert.Empty(await _server.Store.ListRunsAsync(new RunQuery(Limit: 10), CancellationToken.None));
        Assert.Empty(await _server.Store.ListTargetSettingsAsync(CancellationToken.None));
        Assert.Empty(await _server.Store.ListAuditAsync(null, 10, CancellationToken.None));
    }

    [Fact]
    public async Task AccessTokenInTheQuery_OnTheEventStream_IsAccepted_AndAWrongOneIs401()
    {
        using var anonymous = _server.Client();
        await using var accepted = await SseClient.ConnectAsync(anonymous, $"/api/v1/events?access_token={Uri.EscapeDataString(_server.Token(ApiRole.Viewer))}");
        using var wrong = await anonymous.GetAsync($"/api/v1/events?access_token={Uri.EscapeDataString(ApiTokens.Generate())}", HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, accepted.Response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "PATCH" or "POST")
        {
            request.Content = new StringContent("""{"frequency": "hourly"}""", System.Text.Encoding.UTF8, "application/json");
        }

        return await client.SendAsync(request);
    }
}
