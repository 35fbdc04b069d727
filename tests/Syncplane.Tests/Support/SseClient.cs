using System.Text.Json;
using System.Threading.Channels;

namespace Syncplane.Tests.Support;

/// <summary>One Server-Sent Event as a client parses it from the stream.</summary>
internal sealed record SseEvent(long Id, string Type, JsonElement Json)
{
    public string? Target => Json.GetProperty("target").GetString();

    public long? RunId => Json.GetProperty("run_id").ValueKind == JsonValueKind.Number ? Json.GetProperty("run_id").GetInt64() : null;

    public JsonElement Data => Json.GetProperty("data");
}

/// <summary>
/// A real EventSource-style client: a GET of <c>text/event-stream</c> read line by line in the background;
/// events go into a queue the test reads with a deadline. Comments (keepalives) are counted, not queued.
/// </summary>
internal sealed class SseClient : IAsyncDisposable
{
    private readonly Channel<SseEvent> _events = Channel.CreateUnbounded<SseEvent>();
    private readonly CancellationTokenSource _stop = new();
    private readonly HttpResponseMessage _response;
    private readonly Task _reading;
    private int _comments;

    private SseClient(HttpResponseMessage response)
    {
        _response = response;
        _reading = ReadAsync();
    }

    public HttpResponseMessage Response => _response;

    /// <summary>The <c>retry:</c> value the server sent, in milliseconds.</summary>
    public int? Retry { get; private set; }

    /// <summary>Comment lines received (the server's keepalives).</summary>
    public int Comments => Volatile.Read(ref _comments);

    /// <summary>Completes when the server ends the stream.</summary>
    public Task Ended => _reading;

    public static async Task<SseClient> ConnectAsync(HttpClient client, string path, string? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return new SseClient(response);
    }

    /// <summary>The next event, or a failure naming what was expected when none comes within <paramref name="timeout"/>.</summary>
    public async Task<SseEvent> NextAsync(TimeSpan? timeout = null, string? expecting = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        try
        {
            return await _events.Reader.ReadAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no event arrived within {timeout ?? TimeSpan.FromSeconds(20)}{(expecting is null ? "" : $" (expecting {expecting})")}");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"the stream ended{(expecting is null ? "" : $" before {expecting}")}");
        }
    }

    /// <summary>Reads events until one matches; returns it and the ones before it.</summary>
    public async Task<(SseEvent Match, List<SseEvent> Before)> WaitForAsync(Func<SseEvent, bool> predicate, string expecting, TimeSpan? timeout = null)
    {
        var before = new List<SseEvent>();
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            SseEvent e;
            try
            {
                e = await _events.Reader.ReadAsync(deadline.Token);
            }
            catch (ChannelClosedException)
            {
                throw new InvalidOperationException($"the stream ended before {expecting}; got: {string.Join(", ", before.Select(b => $"{b.Id} {b.Type} {b.Target}"))}");
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{expecting} did not arrive; got: {string.Join(", ", before.Select(b => $"{b.Id} {b.Type} {b.Target}"))}");
            }

            if (predicate(e))
            {
                return (e, before);
            }

            before.Add(e);
        }
    }

    /// <summary>The events already received and not yet read.</summary>
    public List<SseEvent> Drain()
    {
        var list = new List<SseEvent>();
        while (_events.Reader.TryRead(out var e))
        {
            list.Add(e);
        }

        return list;
    }

    private async Task ReadAsync()
    {
        try
        {
            using var reader = new StreamReader(await _response.Content.ReadAsStreamAsync(_stop.Token));
            string? id = null, type = null, data = null;
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                if (line.Length == 0)
                {
                    if (data is not null)
                    {
                        _events.Writer.TryWrite(new SseEvent(long.Parse(id!, System.Globalization.CultureInfo.InvariantCulture), type ?? "message", JsonDocument.Parse(data).RootElement));
                    }

                    (id, type, data) = (null, null, null);
                }
                else if (line.StartsWith(':'))
                {
                    Interlocked.Increment(ref _comments);
                }
                else if (line.StartsWith("retry: ", StringComparison.Ordinal))
                {
                    Retry = int.Parse(line[7..], System.Globalization.CultureInfo.InvariantCulture);
                }
                else if (line.StartsWith("id: ", StringComparison.Ordinal))
                {
                    id = line[4..];
                }
                else if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    type = line[7..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    data = data is null ? line[6..] : data + "\n" + line[6..];
                }
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
        catch (HttpRequestException)
        {
        }
        catch (IOException)
        {
        }
        finally
        {
            _events.Writer.TryComplete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync();
        _response.Dispose();
        await _reading;
    }
}
