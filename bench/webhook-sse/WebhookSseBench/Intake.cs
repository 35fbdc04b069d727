// Intake capacity (issue 18 item 5): signed GitHub push deliveries offered at a fixed rate, no SSE clients; every
// 20th delivery is sent a second time at once (a redelivery, which must answer 200 "duplicate"). Reports POST -> 202,
// then reads the event log back (GET /api/v1/events/recent) and checks every accepted delivery id is recorded exactly
// once: nothing lost, nothing duplicated.
//
//   webhooksseBench URL SECRET DELIVERIES RATE 0 TARGETS intake
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

internal static class Intake
{
    public static async Task<int> RunAsync(HttpClient http, byte[] secret, int deliveries, double rate, int targets)
    {
        var accepted = new ConcurrentBag<(int Delivery, double Ms)>();
        var failures = new ConcurrentBag<string>();
        var duplicatesAnswered = 0;
        var posts = new List<Task>(deliveries * 2);
        var ids = Enumerable.Range(0, deliveries).Select(_ => Guid.NewGuid().ToString()).ToArray();
        Console.Error.WriteLine($"webhook-intake: offering {deliveries} deliveries at {rate}/s to {targets} targets (every 20th sent twice)");
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < deliveries; i++)
        {
            var due = start + (long)(i / rate * Stopwatch.Frequency);
            await Pace.UntilAsync(due);

            var index = i;
            posts.Add(Task.Run(() => SendAsync(index)));
            if (i % 20 == 0)
            {
                posts.Add(Task.Run(() => SendAsync(index)));
            }
        }

        await Task.WhenAll(posts);
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;

        // A delivery and its redelivery race: whichever the store takes first is the 202, the other the 200 duplicate.
        var latencies = accepted.Select(a => a.Ms).ToList();
        // By third of the window: a tail that only the first third has is the server warming up (the JIT's tier-1 code).
        var thirds = Enumerable.Range(0, 3).Select(t => Percentile99([.. accepted.Where(a => a.Delivery * 3 / deliveries == t).Select(a => a.Ms)]));
        var recorded = await ReadReceivedAsync(http);
        var lost = ids.Count(id => !recorded.ContainsKey(id));
        var twice = recorded.Count(r => r.Value > 1);
        var redeliveries = (deliveries + 19) / 20;
        Console.WriteLine($"deliveries: {deliveries} offered in {seconds:F1} s ({deliveries / seconds:F1}/s) + {redeliveries} redeliveries; {failures.Count} failed");
        Console.WriteLine($"answers: {accepted.Count} x 202, {duplicatesAnswered} x 200 duplicate");
        Console.WriteLine($"POST -> 202: {Summary(latencies)}");
        Console.WriteLine($"POST -> 202 p99 by third of the window: {string.Join(" / ", thirds.Select(p => $"{p:F1} ms"))}");
        Console.WriteLine($"event log: {recorded.Count} webhook.received for our ids; lost {lost}, recorded twice {twice}");
        Console.WriteLine($"bench client CPU: {Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:F2} s");
        foreach (var failure in failures.Take(5))
        {
            Console.WriteLine($"failure: {failure}");
        }

        return failures.IsEmpty && lost == 0 && twice == 0 && accepted.Count == deliveries && duplicatesAnswered == redeliveries ? 0 : 1;

        async Task SendAsync(int i)
        {
            var sent = Stopwatch.GetTimestamp();
            var status = await PostAsync(i);
            if (status == HttpStatusCode.Accepted)
            {
                accepted.Add((i, Stopwatch.GetElapsedTime(sent).TotalMilliseconds));
            }
            else if (status == HttpStatusCode.OK)
            {
                Interlocked.Increment(ref duplicatesAnswered);
            }
        }

        async Task<HttpStatusCode?> PostAsync(int i)
        {
            var body = Encoding.UTF8.GetBytes($$$"""
                {"ref":"refs/heads/main","before":"0000000000000000000000000000000000000000","after":"{{{i:x40}}}","deleted":false,"repository":{"full_name":"bench/repo-{{{i % targets}}}","name":"repo-{{{i % targets}}}"},"commits":[],"head_commit":{"id":"{{{i:x40}}}","message":"change {{{i}}}","added":[],"removed":[],"modified":["docs/page-{{{i}}}.md"]}}
                """);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/webhooks/github") { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new("application/json");
            request.Headers.Add("X-GitHub-Event", "push");
            request.Headers.Add("X-GitHub-Delivery", ids[i]);
            request.Headers.Add("X-Hub-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(secret, body)));
            try
            {
                using var response = await http.SendAsync(request);
                if (response.StatusCode is not (HttpStatusCode.Accepted or HttpStatusCode.OK))
                {
                    failures.Add($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }

                return response.StatusCode;
            }
            catch (Exception ex)
            {
                failures.Add(ex.Message);
                return null;
            }
        }
    }

    // Every webhook.received in the log, by delivery id: how many times each was recorded.
    private static async Task<Dictionary<string, int>> ReadReceivedAsync(HttpClient http)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        long after = 0;
        while (true)
        {
            using var page = JsonDocument.Parse(await http.GetStringAsync($"/api/v1/events/recent?type=webhook.received&after={after}&limit=1000"));
            var items = page.RootElement.GetProperty("items");
            foreach (var item in items.EnumerateArray())
            {
                if (item.GetProperty("data").TryGetProperty("delivery_id", out var id))
                {
                    counts[id.GetString()!] = counts.GetValueOrDefault(id.GetString()!) + 1;
                }
            }

            var last = page.RootElement.GetProperty("last_id").GetInt64();
            if (last == after)
            {
                return counts;
            }

            after = last;
        }
    }

    private static string Summary(List<double> values)
    {
        if (values.Count == 0)
        {
            return "no samples";
        }

        values.Sort();
        return $"p50 {At(values, 0.50),7:F1} ms   p90 {At(values, 0.90),7:F1} ms   p99 {At(values, 0.99),7:F1} ms   max {values[^1],7:F1} ms   (n={values.Count})";
    }

    private static double Percentile99(List<double> values)
    {
        values.Sort();
        return values.Count == 0 ? double.NaN : At(values, 0.99);
    }

    // The q-quantile of sorted values (nearest rank).
    private static double At(List<double> sorted, double q) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];
}
