// Documents benchmark (issue 14), two modes against a running `syncplane serve`:
//
//   documentsBench events URL TOKEN EVENTS RATE CLIENTS
//     connects CLIENTS SSE clients to /api/v1/events?type=record.changed, posts EVENTS Pub/Sub pushes of Cloud Asset
//     TemporalAssets (each a new VM, its own messageId) at RATE/s to /api/v1/webhooks/pubsub/targets/lz-state, and measures
//     from each POST's send to each client receiving that record's record.changed (matched by key).
//   documentsBench conditional URL SECONDS CONNECTIONS
//     GETs /api/v1/documents/lz-state with the current ETag in If-None-Match from CONNECTIONS loops for SECONDS, and
//     reports 304s per second (any other status counts as a failure).
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

var mode = args[0];
var baseUrl = new Uri(args[1]);
using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 1024, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
using var http = new HttpClient(handler) { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(5) };
return mode == "events" ? await EventsAsync() : await ConditionalAsync();

async Task<int> ConditionalAsync()
{
    var seconds = double.Parse(args[2], CultureInfo.InvariantCulture);
    var connections = int.Parse(args[3], CultureInfo.InvariantCulture);
    var first = await http.GetAsync("/api/v1/documents/lz-state");
    first.EnsureSuccessStatusCode();
    var etag = first.Headers.ETag!;
    var size = (await first.Content.ReadAsByteArrayAsync()).Length;
    long ok = 0, failed = 0;
    var until = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
    var loops = Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
    {
        while (Stopwatch.GetTimestamp() < until)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/documents/lz-state");
            request.Headers.IfNoneMatch.Add(etag);
            using var response = await http.SendAsync(request);
            Interlocked.Increment(ref response.StatusCode == HttpStatusCode.NotModified ? ref ok : ref failed);
        }
    })).ToList();
    var start = Stopwatch.GetTimestamp();
    await Task.WhenAll(loops);
    var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
    Console.WriteLine($"document: {size} bytes (200); conditional GETs: {ok} x 304 in {elapsed:F1} s = {ok / elapsed:F0}/s over {connections} connections, {failed} not 304");
    return failed == 0 ? 0 : 1;
}

async Task<int> EventsAsync()
{
    var token = args[2];
    var events = int.Parse(args[3], CultureInfo.InvariantCulture);
    var rate = double.Parse(args[4], CultureInfo.InvariantCulture);
    var clients = int.Parse(args[5], CultureInfo.InvariantCulture);
    var run = Guid.NewGuid().ToString("n")[..8];
    var received = new ConcurrentDictionary<string, long>[clients];
    var stop = new CancellationTokenSource();
    for (var c = 0; c < clients; c++)
    {
        received[c] = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/events?type=record.changed");
        request.Headers.Accept.ParseAdd("text/event-stream");
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        var mine = received[c];
        _ = Task.Run(async () =>
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            try
            {
                while (await reader.ReadLineAsync(stop.Token) is { } line)
                {
                    if (line.StartsWith("data: ", StringComparison.Ordinal))
                    {
                        var at = Stopwatch.GetTimestamp();
                        using var json = JsonDocument.Parse(line.AsMemory(6));
                        mine.TryAdd(json.RootElement.GetProperty("data").GetProperty("key").GetString()!, at);
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException)
            {
            }
        });
    }

    Console.Error.WriteLine($"documents: {clients} SSE clients connected; posting {events} Pub/Sub pushes at {rate}/s");
    var sentAt = new long[events];
    var respondedAt = new long[events];
    var failures = new ConcurrentBag<string>();
    var posts = new List<Task>(events);
    var start = Stopwatch.GetTimestamp();
    for (var i = 0; i < events; i++)
    {
        var due = start + (long)(i / rate * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < due)
        {
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.FromMilliseconds(2))
            {
                await Task.Delay(wait - TimeSpan.FromMilliseconds(1));
            }
            else
            {
                Thread.SpinWait(50);
            }
        }

        posts.Add(PostAsync(i));
    }

    await Task.WhenAll(posts);
    var sendSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
    var deadline = Stopwatch.GetTimestamp() + 60 * Stopwatch.Frequency;
    while (Stopwatch.GetTimestamp() < deadline && received.Any(r => Enumerable.Range(0, events).Any(i => !r.ContainsKey(KeyOf(i)))))
    {
        await Task.Delay(100);
    }

    stop.Cancel();
    var all = new List<double>();
    var last = new List<double>();
    var missing = 0;
    for (var i = 0; i < events; i++)
    {
        var worst = 0.0;
        foreach (var client in received)
        {
            if (client.TryGetValue(KeyOf(i), out var at))
            {
                var ms = Stopwatch.GetElapsedTime(sentAt[i], at).TotalMilliseconds;
                all.Add(ms);
                worst = Math.Max(worst, ms);
            }
            else
            {
                missing++;
            }
        }

        last.Add(worst);
    }

    var answered = Enumerable.Range(0, events).Where(i => respondedAt[i] > 0).Select(i => Stopwatch.GetElapsedTime(sentAt[i], respondedAt[i]).TotalMilliseconds).ToList();
    Console.WriteLine($"pushes: {events} sent in {sendSeconds:F1} s ({events / sendSeconds:F1}/s), {failures.Count} failed; clients: {clients}; (push x client) pairs: {all.Count}, missing: {missing}");
    Console.WriteLine($"POST -> 200 (applied):                      {Summary(answered)}");
    Console.WriteLine($"POST -> record.changed at a client (all):   {Summary(all)}");
    Console.WriteLine($"POST -> record.changed at the last client:  {Summary(last)}");
    foreach (var failure in failures.Take(5))
    {
        Console.WriteLine($"failure: {failure}");
    }

    return failures.IsEmpty && missing == 0 ? 0 : 1;

    string KeyOf(int i) => $"//compute.googleapis.com/projects/bench/zones/europe-west1-b/instances/vm-{run}-{i}";

    async Task PostAsync(int i)
    {
        var asset = $$$"""
            {"asset":{"ancestors":["projects/000000000000","folders/000000000000","organizations/000000000000"],"assetType":"compute.googleapis.com/Instance","name":"{{{KeyOf(i)}}}","resource":{"data":{"name":"vm-{{{i}}}","status":"RUNNING"},"discoveryDocumentUri":"https://www.googleapis.com/discovery/v1/apis/compute/v1/rest","discoveryName":"Instance","location":"europe-west1-b","parent":"//cloudresourcemanager.googleapis.com/projects/000000000000","version":"v1"},"updateTime":"2026-03-01T12:00:00.000000Z"},"priorAssetState":"DOES_NOT_EXIST","deleted":false,"window":{"startTime":"2026-03-01T12:00:00.000000Z"}}
            """;
        var body = $$$"""
            {"message":{"attributes":{"Content-Type":"application/json"},"data":"{{{Convert.ToBase64String(Encoding.UTF8.GetBytes(asset))}}}","messageId":"{{{run}}}-{{{i}}}","publishTime":"2026-03-01T12:00:00.749Z"},"subscription":"projects/lz-portal/subscriptions/asset-feed-push"}
            """;
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/webhooks/pubsub/targets/lz-state?token={Uri.EscapeDataString(token)}")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        try
        {
            sentAt[i] = Stopwatch.GetTimestamp();
            using var response = await http.SendAsync(request);
            respondedAt[i] = Stopwatch.GetTimestamp();
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.OK || !text.Contains("\"created\"", StringComparison.Ordinal))
            {
                failures.Add($"{(int)response.StatusCode}: {text}");
            }
        }
        catch (Exception ex)
        {
            failures.Add(ex.Message);
        }
    }
}

static string Summary(List<double> values)
{
    if (values.Count == 0)
    {
        return "no samples";
    }

    values.Sort();
    double At(double q) => values[Math.Min(values.Count - 1, (int)Math.Ceiling(q * values.Count) - 1)];
    return $"p50 {At(0.50),7:F1} ms   p90 {At(0.90),7:F1} ms   p99 {At(0.99),7:F1} ms   max {values[^1],7:F1} ms   (n={values.Count})";
}
