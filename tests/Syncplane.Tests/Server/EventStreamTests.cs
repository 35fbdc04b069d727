using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Syncplane.Access;
using Syncplane.Events;
using Syncplane.Storage;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Server;

/// <summary>GET /api/v1/events over real HTTP: filters, resuming without gaps or duplicates, keepalives and dropping a client that stops reading.</summary>
public sealed class EventStreamTests
{
    private const string Yaml = """
        targets:
          alpha: { entrypoint: "true" }
          beta: { entrypoint: "true" }
        """;

    [Fact]
    public async Task Stream_IsEventStream_StartsWithRetry_AndAppliesTargetAndTypeFilters()
    {
        await using var server = await TestServer.StartAsync(Yaml, workers: false);
        using var viewer = server.Client(ApiRole.Viewer);
        await using var alphaRuns = await SseClient.ConnectAsync(viewer, "/api/v1/events?target=alpha&type=run.*");
        await using var everything = await SseClient.ConnectAsync(viewer, "/api/v1/events");
        await WaitForSubscribersAsync(server, 2);

        var appended = new List<SyncEvent>
        {
            await AppendAsync(server, EventTypes.RunQueued, "beta"),
            await AppendAsync(server, EventTypes.CheckChanged, "alpha"),
            await AppendAsync(server, EventTypes.RunStarted, "alpha"),
            await AppendAsync(server, EventTypes.WebhookReceived, null),
            await AppendAsync(server, EventTypes.RunSucceeded, "alpha"),
        };

        Assert.Equal("text/event-stream", alphaRuns.Response.Content.Headers.ContentType?.MediaType);
        var (last, before) = await alphaRuns.WaitForAsync(e => e.Type == EventTypes.RunSucceeded, "alpha's run.succeeded");
        Assert.Equal([appended[2].Id, appended[4].Id], before.Append(last).Select(e => e.Id));
        Assert.Equal(2000, alphaRuns.Retry);
        var (final, all) = await everything.WaitForAsync(e => e.Id == appended[4].Id, "the last event");
        Assert.Equal(appended.Select(e => (e.Id, e.Type, e.Target)), all.Append(final).Select(e => (e.Id, e.Type, e.Target)));
        Assert.Equal("x", final.Data.GetProperty("marker").GetString());
    }

    [Fact]
    public async Task Stream_WithoutAToken_Is401_AndAccessTokenInTheQueryIsAccepted()
    {
        await using var server = await TestServer.StartAsync(Yaml, workers: false);
        using var anonymous = server.Client();

        using var refused = await anonymous.GetAsync("/api/v1/events", HttpCompletionOption.ResponseHeadersRead);
        await using var accepted = await SseClient.ConnectAsync(anonymous, $"/api/v1/events?access_token={Uri.EscapeDataString(server.Token(ApiRole.Viewer))}");

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, accepted.Response.StatusCode);
    }

    [Fact]
    public async Task Stream_WithAMalformedLastEventId_Is400()
    {
        await using var server = await TestServer.StartAsync(Yaml, workers: false);
        using var viewer = server.Client(ApiRole.Viewer);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/events");
        request.Headers.Add("Last-Event-ID", "abc");

        using var response = await viewer.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ClientThatDisconnectsAndResumes_GetsEveryEventExactlyOnce_WhileEventsKeepComing(bool header)
    {
        await using var server = await TestServer.StartAsync(Yaml, workers: false);
        using var viewer = server.Client(ApiRole.Viewer);
        var received = new List<SseEvent>();
        await using (var first = await SseClient.ConnectAsync(viewer, "/api/v1/events"))
        {
            await WaitForSubscribersAsync(server, 1);
            using var producing = new CancellationTokenSource();
            var producer = ProduceAsync(server, 400, producing.Token);
            while (received.Count < 50)
            {
                received.Add(await first.NextAsync(expecting: "the first 50 events"));
            }

            // Disconnect mid-stream while the producer keeps appending.
            await first.DisposeAsync();
            var lastId = received[^1].Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await using var resumed = header
                ? await SseClient.ConnectAsync(viewer, "/api/v1/events", lastEventId: lastId)
                : await SseClient.ConnectAsync(viewer, $"/api/v1/events?last_event_id={lastId}");
            var lastProduced = await producer;
            var (end, rest) = await resumed.WaitForAsync(e => e.Id == lastProduced, "the last produced event");
            received.AddRange(rest);
            received.Add(end);
        }

        var stored = await server.Store.ReadEventsAsync(0, 1000, CancellationToken.None);
        Assert.Equal(400, stored.Count);
        Assert.Equal(stored.Select(e => e.Id), received.Select(e => e.Id));
    }

    [Fact]
    public async Task Stream_WithSince_ReplaysExactlyTheEventsAfterThatId_ThenGoesLive()
    {
        await using var server = await TestServer.StartAsync(Yaml, workers: false);
        using var viewer = server.Client(ApiRole.Viewer);
        var stored = new List<SyncEvent>();
        for (var i = 0; i < 4; i++)
        {
            stored.Add(await AppendAsync(server, EventTypes.RunQueued, i % 2 == 0 ? "alpha" : "beta"));
        }

        await using var resumed = await SseClient.ConnectAsync(viewer, $"/api/v1/events?since={stored[1].Id}");
        await WaitForSubscribersAsync(server, 1);
        var live = await AppendAsync(server, EventTypes.RunStarted, "alpha");

        var (last, before) = await resumed.WaitForAsync(e => e.Id == live.Id, "the live event");
        Assert.Equal([stored[2].Id, stored[3].Id, live.Id], before.Append(last).Select(e => e.Id));
    }

    [Fact]
    public async Task ClientThatStopsReading_IsDropped_WhileAnotherKeepsReceivingEverything()
    {
        await using var server = await TestServer.StartAsync(Yaml, workers: false, events: new EventHubOptions { SubscriberBuffer = 8 });
        using var viewer = server.Client(ApiRole.Viewer);
        await using var reader = await SseClient.ConnectAsync(viewer, "/api/v1/events");
        using var stalled = await ConnectWithoutReadingAsync(server);
        await WaitForSubscribersAsync(server, 2);

        // Large events fill the stalled connection's socket buffers, then its subscriber buffer; the reader takes each one before the next.
        var padding = new string('p', 64 * 1024);
        var received = new List<long>();
        var ids = new List<long>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (server.StreamSubscribers > 1 || ids.Count < 20)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the stalled client was not dropped after {ids.Count} events");
            ids.Add((await server.Store.AppendEventAsync(new NewEvent(EventTypes.CheckChanged, "alpha", null, new JsonObject { ["padding"] = padding }), CancellationToken.None)).Id);
            received.Add((await reader.NextAsync(expecting: $"event {ids[^1]}")).Id);
        }

        Assert.Equal(ids, received);
        Assert.Equal(1, server.StreamSubscribers);
    }

    [Fact]
    public async Task IdleStream_GetsAKeepaliveComment()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));
        await using var server = await TestServer.StartAsync(Yaml, workers: false, time: clock);
        using var viewer = server.Client(ApiRole.Viewer);
        await using var events = await SseClient.ConnectAsync(viewer, "/api/v1/events");
        await WaitForSubscribersAsync(server, 1);

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (events.Comments == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "no keepalive comment arrived");
            clock.Advance(TimeSpan.FromSeconds(16));
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Recent_ReturnsEventsAfterAnIdAsJson()
    {
        await using var server = await TestServer.StartAsync(Yaml, workers: false);
        using var viewer = server.Client(ApiRole.Viewer);
        var first = await AppendAsync(server, EventTypes.RunQueued, "alpha");
        var second = await AppendAsync(server, EventTypes.RunQueued, "beta");

        var json = JsonDocument.Parse(await viewer.GetStringAsync($"/api/v1/events/recent?after={first.Id}")).RootElement;

        var item = Assert.Single(json.GetProperty("items").EnumerateArray());
        Assert.Equal((second.Id, "beta", "x"), (item.GetProperty("id").GetInt64(), item.GetProperty("target").GetString(), item.GetProperty("data").GetProperty("marker").GetString()));
    }

    [Fact]
    public async Task Recent_PagedByLastId_LeavesOutNoMatchingEvent()
    {
        await using var server = await TestServer.StartAsync(Yaml, workers: false);
        using var viewer = server.Client(ApiRole.Viewer);
        // Filtered pages: a page can fill up part way through what the store read for it.
        foreach (var type in new[] { EventTypes.RunStarted, EventTypes.RunQueued, EventTypes.RunQueued, EventTypes.RunQueued, EventTypes.RunStarted, EventTypes.RunQueued, EventTypes.RunQueued })
        {
            await AppendAsync(server, type, "alpha");
        }

        var seen = new List<long>();
        long after = 0;
        while (true)
        {
            var page = JsonDocument.Parse(await viewer.GetStringAsync($"/api/v1/events/recent?type=run.queued&after={after}&limit=2")).RootElement;
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("id").GetInt64()));
            var last = page.GetProperty("last_id").GetInt64();
            if (last == after)
            {
                break;
            }

            after = last;
        }

        Assert.Equal(5, seen.Distinct().Count());
    }

    private static Task<SyncEvent> AppendAsync(TestServer server, string type, string? target) =>
        server.Store.AppendEventAsync(new NewEvent(type, target, null, new JsonObject { ["marker"] = "x" }), CancellationToken.None);

    private static async Task<long> ProduceAsync(TestServer server, int count, CancellationToken cancellationToken)
    {
        await Task.Yield();
        long last = 0;
        for (var i = 0; i < count; i++)
        {
            last = (await server.Store.AppendEventAsync(new NewEvent(EventTypes.CheckChanged, i % 2 == 0 ? "alpha" : "beta", null, new JsonObject { ["n"] = i }), cancellationToken)).Id;
        }

        return last;
    }

    private static async Task WaitForSubscribersAsync(TestServer server, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (server.StreamSubscribers < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{count} subscriber(s) expected, {server.StreamSubscribers} connected");
            await Task.Delay(10);
        }
    }

    /// <summary>Opens the stream over a raw socket with a tiny receive buffer and never reads from it.</summary>
    private static async Task<Socket> ConnectWithoutReadingAsync(TestServer server)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await socket.ConnectAsync(IPAddress.Loopback, server.BaseAddress.Port);
        var request = $"GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {server.Token(ApiRole.Viewer)}\r\nAccept: text/event-stream\r\n\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(request));
        return socket;
    }
}
