using System.Net;
using System.Text.Json;
using Syncplane.Access;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Server;

public sealed class ServerBasicsTests : IAsyncLifetime
{
    private const string Yaml = """
        targets:
          docs:
            entrypoint: "true"
          site:
            description: The public site
            entrypoint: "true"
        """;

    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(Yaml);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Healthz_And_Readyz_AnswerWithoutAToken()
    {
        using var client = _server.Client();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);
    }

    [Fact]
    public async Task ApiRoute_WithoutOrWithAWrongToken_Is401ProblemDetails()
    {
        using var anonymous = _server.Client();
        using var wrong = _server.Client();
        wrong.DefaultRequestHeaders.Authorization = new("Bearer", ApiTokens.Generate());

        foreach (var client in new[] { anonymous, wrong })
        {
            using var response = await client.GetAsync("/api/v1/targets");
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(401, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetInt32());
        }
    }

    [Fact]
    public async Task Targets_WithAViewerToken_ListsTheConfiguredTargets()
    {
        using var client = _server.Client(ApiRole.Viewer);

        var json = JsonDocument.Parse(await client.GetStringAsync("/api/v1/targets")).RootElement;

        Assert.Equal(["docs", "site"], json.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task OpenApiDocument_IsServedAndDescribesTheApi()
    {
        using var client = _server.Client();

        var json = JsonDocument.Parse(await client.GetStringAsync("/api/v1/openapi.json")).RootElement;

        Assert.StartsWith("3.", json.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        Assert.True(json.GetProperty("paths").TryGetProperty("/api/v1/targets", out _));
    }
}
