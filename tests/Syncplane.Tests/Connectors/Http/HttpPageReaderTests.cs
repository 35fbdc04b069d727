using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Syncplane.Config;
using Syncplane.Connectors.Http;
using Syncplane.Engine.Policies;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Connectors.Http;

/// <summary>How HTTP answers become the errors the engine classifies (real HTTP on 127.0.0.1).</summary>
public sealed class HttpPageReaderTests
{
    private static readonly FakeTimeProvider Time = new();

    [Fact]
    public async Task GetAsync_429WithRetryAfterSeconds_IsRateLimitedForThatLong()
    {
        var error = await Assert.ThrowsAsync<UpstreamRateLimitedException>(() => GetAsync(Reply(429, ("Retry-After", "120"))));

        Assert.Equal(TimeSpan.FromSeconds(120), error.RetryAfter);
        Assert.Equal(ErrorKind.RateLimited, ErrorClassifier.Classify(error));
        Assert.Contains("returned 429", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_503WithRetryAfterDate_IsRateLimitedUntilThatDate()
    {
        var date = Time.UtcNow.AddMinutes(5).ToString("R", CultureInfo.InvariantCulture);

        var error = await Assert.ThrowsAsync<UpstreamRateLimitedException>(() => GetAsync(Reply(503, ("Retry-After", date))));

        Assert.Equal(TimeSpan.FromMinutes(5), error.RetryAfter);
    }

    [Fact]
    public async Task GetAsync_429WithoutRetryAfter_IsRateLimitedWithTheBackoff() =>
        Assert.Null((await Assert.ThrowsAsync<UpstreamRateLimitedException>(() => GetAsync(Reply(429)))).RetryAfter);

    [Theory]
    [InlineData(404, nameof(ErrorKind.Permanent))]
    [InlineData(401, nameof(ErrorKind.Permanent))]
    [InlineData(500, nameof(ErrorKind.Transient))]
    [InlineData(503, nameof(ErrorKind.Transient))] // without Retry-After: an outage, not a rate limit
    [InlineData(302, nameof(ErrorKind.Permanent))] // redirects are not followed
    public async Task GetAsync_OtherFailures_AreClassifiedByStatus(int status, string kind)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => GetAsync(Reply(status, ("Location", "http://elsewhere.example/"))));

        Assert.Equal(kind, ErrorClassifier.Classify(error).ToString());
        Assert.Contains($"returned {status}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_NothingListening_IsTransient()
    {
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => Reader().SendAsync(new PageRequest(1, HttpMethod.Get, new Uri("http://127.0.0.1:1/")), new Dictionary<string, string>(), null, CancellationToken.None));

        Assert.Equal(ErrorKind.Transient, ErrorClassifier.Classify(error));
    }

    /// <summary>A page sent in chunks without a length outgrows the first buffer; every record arrives, in order.</summary>
    [Fact]
    public async Task GetAsync_ChunkedPageLargerThanItsFirstBuffer_IsReadWhole()
    {
        const int Records = 20_000; // about 600 KB, ten times the first buffer
        await using var app = await LoopbackWebApp.StartAsync(web => web.MapGet("/page", async (HttpContext http) =>
        {
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync("{\"data\":[");
            for (var i = 0; i < Records; i++)
            {
                await http.Response.WriteAsync((i == 0 ? "" : ",") + $"{{\"id\":\"r{i:D6}\",\"spend\":\"{i}.50\"}}");
            }

            await http.Response.WriteAsync("]}");
        }));

        using var page = await Reader().SendAsync(new PageRequest(1, HttpMethod.Get, new Uri(app.BaseUrl + "/page")), new Dictionary<string, string>(), null, CancellationToken.None);

        var data = page.RootElement.GetProperty("data");
        Assert.Equal(Records, data.GetArrayLength());
        Assert.Equal("r019999", data[Records - 1].GetProperty("id").GetString());
        Assert.Equal("12345.50", data[12345].GetProperty("spend").GetString());
    }

    private static LoopbackHttpServer.Reply Reply(int status, params (string Name, string Value)[] headers) =>
        new(status, "{}", ContentType: "application/json") { Headers = headers.ToDictionary(h => h.Name, h => h.Value) };

    private static async Task GetAsync(LoopbackHttpServer.Reply reply)
    {
        await using var server = new LoopbackHttpServer(() => reply);
        using var page = await Reader().SendAsync(new PageRequest(1, HttpMethod.Get, new Uri(server.Url)), new Dictionary<string, string>(), null, CancellationToken.None);
    }

    private static HttpPageReader Reader() =>
        new(new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }), new SecretResolver("/", _ => null), Time);
}
