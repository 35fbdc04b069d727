// Webhook → SSE latency: connects N SSE clients to a running `syncplane serve`, posts signed GitHub push
// deliveries at a fixed rate, and measures from each POST's send to the moment each client receives the
// run.succeeded event of the run that delivery queued (matched by the run id in the 202 response).
//
//   webhooksseBench URL SECRET DELIVERIES RATE CLIENTS TARGETS [intake]   (intake: see Intake.cs)
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

var baseUrl = new Uri(args[0]);
var secret = Encoding.UTF8.GetBytes(args[1]);
var deliveries = int.Parse(args[2], CultureInfo.InvariantCulture);
var rate = double.Parse(args[3], CultureInfo.InvariantCulture);
var clients = int.Parse(args[4], CultureInfo.InvariantCulture);
var targets = int.Parse(args[5], CultureInfo.InvariantCulture);

using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients + 256, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
using var http = new HttpClient(handler) { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(5) };
if (args.Length > 6 && args[6] == "intake")
{
    return await Intake.RunAsync(http, secret, deliveries, rate, targets);
}

// --- SSE clients -----------------------------------------------------------------------------------
var received = new ConcurrentDictionary<long, long>[clients];
var stop = new CancellationTokenSource();
var readers = new List<Task>();
for (var c = 0; c < clients; c++)
{
    received[c] = new ConcurrentDictionary<long, long>();
    var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/events?type=run.succeeded&type=run.failed");
    request.Headers.Accept.ParseAdd("text/event-stream");
    var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    response.EnsureSuccessStatusCode();
    var mine = received[c];
    readers.Add(Task.Run(async () =>
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
                    if (json.RootElement.GetProperty("run_id").ValueKind == JsonValueKind.Number)
                    {
                        mine.TryAdd(json.RootElement.GetProperty("run_id").GetInt64(), at);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException)
        {
        }
    }));
}

// --- a probe client: the server-side timestamps of each run's queued, started and succeeded events -------
var stamps = new ConcurrentDictionary<(long Run, string Type), DateTimeOffset>();
var probeRequest = new HttpRequestMessage(HttpMethod.Get, "/api/v1/events?type=run.queued&type=run.started&type=run.succeeded");
var probeResponse = await http.SendAsync(probeRequest, HttpCompletionOption.ResponseHeadersRead);
readers.Add(Task.Run(async () =>
{
    using var reader = new StreamReader(await probeResponse.Content.ReadAsStreamAsync());
    try
    {
        while (await reader.ReadLineAsync(stop.Token) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                using var json = JsonDocument.Parse(line.AsMemory(6));
                var root = json.RootElement;
                stamps.TryAdd((root.GetProperty("run_id").GetInt64(), root.GetProperty("type").GetString()!), root.GetProperty("at").GetDateTimeOffset());
            }
        }
    }
    catch (OperationCanceledException)
    {
    }
    catch (IOException)
    {
    }
}));

Console.Error.WriteLine($"webhook-sse: {clients} SSE clients connected; posting {deliveries} deliveries at {rate}/s to {targets} targets");

// --- deliveries ------------------------------------------------------------------------------------
var sentAt = new long[deliveries];
var respondedAt = new long[deliveries];
var runOf = new long[deliveries];
var failures = new ConcurrentBag<string>();
var posts = new List<Task>(deliveries);
var start = Stopwatch.GetTimestamp();
var interval = TimeSpan.FromSeconds(1 / rate);
for (var i = 0; i < deliveries; i++)
{
    var due = start + (long)(i * interval.TotalSeconds * Stopwatch.Frequency);
    await Pace.UntilAsync(due);

    var index = i;
    posts.Add(PostAsync(index));
}

await Task.WhenAll(posts);
var sendSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;

// --- wait for every client to see every run ---------------------------------------------------------
var runs = runOf.Where(r => r > 0).Distinct().ToArray();
var deadline = Stopwatch.GetTimestamp() + 60 * Stopwatch.Frequency;
while (Stopwatch.GetTimestamp() < deadline && received.Any(r => runs.Any(run => !r.ContainsKey(run))))
{
    await Task.Delay(100);
}

stop.Cancel();
handler.Dispose();

// --- results ---------------------------------------------------------------------------------------
var all = new List<double>(deliveries * clients);
var perDelivery = new List<double>(deliveries);
var missing = 0;
for (var i = 0; i < deliveries; i++)
{
    if (runOf[i] <= 0)
    {
        continue;
    }

    var worst = 0.0;
    foreach (var client in received)
    {
        if (client.TryGetValue(runOf[i], out var at))
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

    perDelivery.Add(worst);
}

var response202 = Enumerable.Range(0, deliveries).Where(i => respondedAt[i] > 0).Select(i => Stopwatch.GetElapsedTime(sentAt[i], respondedAt[i]).TotalMilliseconds).ToList();
Console.WriteLine($"deliveries: {deliveries} sent in {sendSeconds:F1} s ({deliveries / sendSeconds:F1}/s), {failures.Count} failed, {runs.Length} distinct runs, {deliveries - runs.Length} coalesced");
Console.WriteLine($"clients: {clients}; (delivery x client) pairs measured: {all.Count}, missing: {missing}");
Console.WriteLine($"POST -> 202:                              {Summary(response202)}");
Console.WriteLine($"POST -> run.succeeded at a client (all):  {Summary(all)}");
Console.WriteLine($"POST -> run.succeeded at the last client: {Summary(perDelivery)}");
var queueWait = new List<double>();
var runTime = new List<double>();
foreach (var run in runs)
{
    if (stamps.TryGetValue((run, "run.queued"), out var q) && stamps.TryGetValue((run, "run.started"), out var st) && stamps.TryGetValue((run, "run.succeeded"), out var done))
    {
        queueWait.Add((st - q).TotalMilliseconds);
        runTime.Add((done - st).TotalMilliseconds);
    }
}

Console.WriteLine($"server: run.queued -> run.started (queue wait): {Summary(queueWait)}");
Console.WriteLine($"server: run.started -> run.succeeded (run):     {Summary(runTime)}");
Console.WriteLine($"bench client CPU: {Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:F2} s");
foreach (var failure in failures.Take(5))
{
    Console.WriteLine($"failure: {failure}");
}

return failures.IsEmpty && missing == 0 ? 0 : 1;

async Task PostAsync(int i)
{
    var body = Encoding.UTF8.GetBytes($$$"""
        {"ref":"refs/heads/main","before":"0000000000000000000000000000000000000000","after":"{{{i:x40}}}","deleted":false,"repository":{"full_name":"bench/repo-{{{i % targets}}}","name":"repo-{{{i % targets}}}"},"commits":[{"id":"{{{i:x40}}}","message":"change {{{i}}}","added":[],"removed":[],"modified":["docs/page-{{{i}}}.md"]}],"head_commit":{"id":"{{{i:x40}}}","message":"change {{{i}}}","added":[],"removed":[],"modified":["docs/page-{{{i}}}.md"]}}
        """);
    using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/webhooks/github") { Content = new ByteArrayContent(body) };
    request.Content.Headers.ContentType = new("application/json");
    request.Headers.Add("X-GitHub-Event", "push");
    request.Headers.Add("X-GitHub-Delivery", Guid.NewGuid().ToString());
    request.Headers.Add("X-Hub-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(secret, body)));
    try
    {
        sentAt[i] = Stopwatch.GetTimestamp();
        using var response = await http.SendAsync(request);
        respondedAt[i] = Stopwatch.GetTimestamp();
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            failures.Add($"{(int)response.StatusCode}: {text}");
            return;
        }

        using var json = JsonDocument.Parse(text);
        runOf[i] = json.RootElement.GetProperty("runs")[0].GetProperty("run_id").GetInt64();
    }
    catch (Exception ex)
    {
        failures.Add(ex.Message);
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
