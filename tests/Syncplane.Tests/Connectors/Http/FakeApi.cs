using System.Collections.Concurrent;
using System.Text.Json;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Connectors.Http;

/// <summary>A JSON API on 127.0.0.1: each path (with query) answers what <see cref="Pages"/> holds for it, else 404.</summary>
internal sealed class FakeApi : IAsyncDisposable
{
    private readonly LoopbackHttpServer _server;

    public FakeApi() => _server = new LoopbackHttpServer(path =>
        Pages.TryGetValue(path, out var reply) ? reply : new LoopbackHttpServer.Reply(404, """{"error":"no such page"}""", ContentType: "application/json"));

    /// <summary>Path and query → answer; change it while a test runs.</summary>
    public ConcurrentDictionary<string, LoopbackHttpServer.Reply> Pages { get; } = new(StringComparer.Ordinal);

    public string Url => _server.Url.TrimEnd('/');

    /// <summary>Every request's line and headers, in order.</summary>
    public IReadOnlyList<string> Requests => _server.Requests;

    /// <summary>A page of <c>{ data: records, paging: { next } }</c> at <paramref name="path"/>.</summary>
    public void Page(string path, string? next, params object[] records) =>
        Pages[path] = Json(JsonSerializer.Serialize(new { data = records, paging = new { next } }));

    public static LoopbackHttpServer.Reply Json(string body) => new(200, body, ContentType: "application/json");

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
