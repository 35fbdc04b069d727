using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Syncplane.Tests.Notifications;

/// <summary>A webhook receiver on 127.0.0.1: records every request and answers with the statuses it is told to.</summary>
internal sealed class NotificationReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(int Status, string? RetryAfter)> _answers = new();

    private int _hangNext;

    private NotificationReceiver(WebApplication app) => _app = app;

    /// <summary>The next request is received but never answered.</summary>
    public void HangNext() => Volatile.Write(ref _hangNext, 1);

    /// <summary>Requests in arrival order.</summary>
    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    /// <summary>Paths always answered with a status of their own (a channel that keeps failing).</summary>
    public ConcurrentDictionary<string, int> StatusByPath { get; } = new(StringComparer.Ordinal);

    /// <summary>The clock arrival times are read from.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    public Uri BaseAddress => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public string Url(string path) => new Uri(BaseAddress, path).ToString();

    public static async Task<NotificationReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new NotificationReceiver(app);
        app.MapPost("/{**path}", async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            receiver.Requests.Enqueue(new ReceivedRequest(context.Request.Path + context.Request.QueryString, headers, body, receiver.Time.GetUtcNow()));
            if (Interlocked.Exchange(ref receiver._hangNext, 0) == 1)
            {
                // Never answers: the sender sees a request that hangs until it gives up or dies.
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return;
            }

            var (status, retryAfter) = receiver.StatusByPath.TryGetValue(context.Request.Path, out var fixedStatus) ? (fixedStatus, null)
                : receiver._answers.TryDequeue(out var answer) ? answer : (200, null);
            if (retryAfter is not null)
            {
                context.Response.Headers.RetryAfter = retryAfter;
            }

            context.Response.StatusCode = status;
        });
        await app.StartAsync();
        return receiver;
    }

    /// <summary>The next requests are answered with these statuses, in order; after them, 200.</summary>
    public void Answer(params int[] statuses)
    {
        foreach (var status in statuses)
        {
            _answers.Enqueue((status, null));
        }
    }

    public void AnswerWithRetryAfter(int status, string retryAfter) => _answers.Enqueue((status, retryAfter));

    /// <summary>Waits until <paramref name="count"/> requests have arrived (or fails after 30 s).</summary>
    public async Task<IReadOnlyList<ReceivedRequest>> WaitForAsync(int count, Action? whileWaiting = null)
    {
        var started = Stopwatch.GetTimestamp();
        while (Requests.Count < count)
        {
            Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(30), $"expected {count} notification(s), got {Requests.Count}");
            whileWaiting?.Invoke();
            await Task.Delay(20);
        }

        return [.. Requests];
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One request as the receiver saw it.</summary>
internal sealed record ReceivedRequest(string Path, IReadOnlyDictionary<string, string> Headers, string Body, DateTimeOffset At)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
}
