// The dashboard benchmark's client (bench/dashboard/run.sh): drives a running `syncplane serve` at RATE events/s
// (Sync now requests at RATE/3 per second; each run makes about three events) and opens the dashboard in headless
// Chromium, once as it is today and once as the old page (its files served in place of the new ones), measuring:
//   first render        from navigation until the table holds every target (today's page: its aria-rowcount counts
//                       them all and its first rows are drawn, since only the rows near the screen are in the page);
//   time to apply       from an event's arrival at the page (its EventSource dispatch) to the first change of that
//                       target's row in the DOM (median and p95 over the window);
//   bytes per minute    received by the tab (Chromium's network counters), over the window;
//   events per second   on the server's stream during the window (what the load really produced);
//   main-thread time    Chromium's own counters (CDP Performance.getMetrics): script, style, layout and all tasks, in
//                       ms per second, for the first render and for the window: less sensitive to a loaded machine.
// PAGES=new skips the old page; PROFILE=1 also samples the window with the CDP Profiler and prints the functions
// that took the most main-thread time (self time), and traces it: layouts per second, their time and their dirty
// layout objects (profiling slows the page: compare PROFILE runs with each other only). WWWROOT=DIR serves today's
// page from DIR (a checkout's src/Syncplane.Server/Dashboard/wwwroot) instead of the server's built-in copy: to try a
// change without rebuilding the server.
// Usage: dashboardBench BASE_URL OLD_DIR TARGETS SECONDS RATE
using System.Diagnostics;
using System.Net.Http;
using System.Text.Json;
using Microsoft.Playwright;

var baseUrl = args[0].TrimEnd('/');
var oldDir = args[1];
var targets = int.Parse(args[2]);
var seconds = int.Parse(args[3]);
var rate = double.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture);

using var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };
using var stop = new CancellationTokenSource();
long streamEvents = 0;
var load = Task.Run(() => LoadAsync(http, targets, rate, stop.Token));
var count = Task.Run(() => CountEventsAsync(baseUrl, () => Interlocked.Increment(ref streamEvents), stop.Token));

const string Instrument = """
    (() => {
      const types = ['run.queued', 'run.started', 'run.progress', 'run.succeeded', 'run.failed', 'run.refused', 'run.cancelled',
        'run.requeued', 'run.waiting', 'items.changed', 'target.settings_changed'];
      const pending = new Map();
      window.__applied = [];
      const Native = window.EventSource;
      window.EventSource = class extends Native {
        constructor(...args) {
          super(...args);
          const arrived = (m) => { try { const e = JSON.parse(m.data); if (e.target && !pending.has(e.target)) pending.set(e.target, performance.now()); } catch {} };
          for (const type of types) super.addEventListener(type, arrived); // before the page's own listeners
          super.addEventListener('message', arrived);
        }
      };
      new MutationObserver((records) => {
        const now = performance.now();
        for (const r of records) {
          if (r.attributeName === 'aria-rowindex') continue; // a row moving down as another comes above is not its change
          const node = r.target.nodeType === 1 ? r.target : r.target.parentElement;
          const row = node && node.closest && node.closest('tr[data-target]');
          const t0 = row ? pending.get(row.dataset.target) : undefined;
          if (t0 !== undefined) { window.__applied.push(now - t0); pending.delete(row.dataset.target); }
        }
      }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
    })();
    """;

using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ["--no-sandbox", "--disable-dev-shm-usage"] });
var profile = Environment.GetEnvironmentVariable("PROFILE") == "1";
var variants = (Environment.GetEnvironmentVariable("PAGES") ?? "new old").Split(' ', StringSplitOptions.RemoveEmptyEntries);
foreach (var variant in variants)
{
    var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 900 } });
    await context.AddInitScriptAsync(Instrument);
    var page = await context.NewPageAsync();
    if (variant == "new" && Environment.GetEnvironmentVariable("WWWROOT") is { Length: > 0 } wwwroot)
    {
        await page.RouteAsync(new System.Text.RegularExpressions.Regex("^" + System.Text.RegularExpressions.Regex.Escape(baseUrl) + @"/([\w/.-]+\.(js|css|html))?$"), route =>
        {
            var path = new Uri(route.Request.Url).AbsolutePath.TrimStart('/');
            var file = Path.Combine(wwwroot, path == "" ? "index.html" : path);
            var type = Path.GetExtension(file) switch { ".js" => "text/javascript", ".css" => "text/css", _ => "text/html" };
            return route.FulfillAsync(new() { Body = File.ReadAllText(file), ContentType = type });
        });
    }

    if (variant == "old")
    {
        foreach (var (path, type) in new[] { ("/", "text/html"), ("/app.js", "text/javascript"), ("/app.css", "text/css") })
        {
            var file = Path.Combine(oldDir, path == "/" ? "index.html" : path.TrimStart('/'));
            await page.RouteAsync(baseUrl + path, route => route.FulfillAsync(new() { Body = File.ReadAllText(file), ContentType = type }));
        }
    }

    long bytes = 0;
    var cdp = await context.NewCDPSessionAsync(page);
    await cdp.SendAsync("Network.enable");
    await cdp.SendAsync("Performance.enable");
    cdp.Event("Network.dataReceived").OnEvent += (_, e) => { if (e is { } json) Interlocked.Add(ref bytes, json.GetProperty("encodedDataLength").GetInt64()); };

    var watch = Stopwatch.StartNew();
    await page.GotoAsync(baseUrl + "/");
    // Today's page puts only the rows near the screen in the table (its aria-rowcount counts them all); the old one all.
    await page.WaitForFunctionAsync(
        "n => { const t = document.querySelector('#targets'); const rows = t?.tBodies[0]?.querySelectorAll('tr[data-target]').length ?? 0;" +
        " return rows >= n || (rows > 0 && t.getAttribute('aria-rowcount') === String(n + 1)); }",
        targets, new() { PollingInterval = 10, Timeout = 300_000 });
    var firstRender = watch.Elapsed.TotalMilliseconds;
    var atRender = await MetricsAsync(cdp);
    if (profile)
    {
        // What preceded the full table: the requests (start and end, ms from navigation) and the main thread's work.
        Console.WriteLine($"first render {variant}: " + await page.EvaluateAsync<string>(
            "() => performance.getEntriesByType('resource').map(e => `${new URL(e.name).pathname} ${Math.round(e.startTime)}-${Math.round(e.responseEnd)} ms ${Math.round(e.encodedBodySize / 1024)} KB`).join('; ')"));
    }

    await page.EvaluateAsync("() => { window.__applied.length = 0; window.__busy = 0; new PerformanceObserver(l => { for (const e of l.getEntries()) window.__busy += e.duration; }).observe({ type: 'longtask', buffered: false }); }");
    Interlocked.Exchange(ref bytes, 0);
    var events0 = Interlocked.Read(ref streamEvents);
    if (profile)
    {
        await cdp.SendAsync("Profiler.enable");
        await cdp.SendAsync("Profiler.setSamplingInterval", new Dictionary<string, object> { ["interval"] = 500 });
        await cdp.SendAsync("Profiler.start");
        StartTrace(cdp);
        await cdp.SendAsync("Tracing.start", new Dictionary<string, object> { ["categories"] = "devtools.timeline,disabled-by-default-devtools.timeline", ["transferMode"] = "ReportEvents" });
    }

    await Task.Delay(TimeSpan.FromSeconds(seconds));
    var atEnd = await MetricsAsync(cdp);
    if (profile && await cdp.SendAsync("Profiler.stop") is { } stopped)
    {
        PrintProfile(variant, stopped.GetProperty("profile"), seconds);
        await PrintTraceAsync(cdp, variant, seconds);
    }

    var moved = Interlocked.Read(ref bytes);
    var events = Interlocked.Read(ref streamEvents) - events0;
    var applied = (await page.EvaluateAsync<double[]>("() => window.__applied")).OrderBy(x => x).ToArray();
    var busy = await page.EvaluateAsync<double>("() => window.__busy");
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        variant, targets, seconds,
        events_per_s = Math.Round(events / (double)seconds, 1),
        first_render_ms = Math.Round(firstRender),
        apply_samples = applied.Length,
        apply_ms_median = Percentile(applied, 0.5),
        apply_ms_p95 = Percentile(applied, 0.95),
        long_task_ms_per_s = Math.Round(busy / seconds, 1),
        first_render_main_thread_ms = Rounded(atRender, 1),
        window_main_thread_ms_per_s = Rounded(atEnd.ToDictionary(m => m.Key, m => m.Value - atRender.GetValueOrDefault(m.Key)), seconds),
        bytes_per_minute = moved * 60 / seconds,
    }));
    await context.CloseAsync();
}

await stop.CancelAsync();
await Task.WhenAll(load.ContinueWith(_ => { }), count.ContinueWith(_ => { }));

// Chromium's main-thread counters (seconds since the page opened): script, style, layout and all tasks.
static async Task<Dictionary<string, double>> MetricsAsync(ICDPSession cdp)
{
    var names = new[] { "ScriptDuration", "RecalcStyleDuration", "LayoutDuration", "TaskDuration" };
    var metrics = (await cdp.SendAsync("Performance.getMetrics"))!.Value.GetProperty("metrics").EnumerateArray()
        .ToDictionary(m => m.GetProperty("name").GetString()!, m => m.GetProperty("value").GetDouble());
    return names.ToDictionary(n => n, n => metrics.GetValueOrDefault(n));
}

// In ms (per second over the window when per > 1): script, style, layout, task.
static Dictionary<string, double> Rounded(Dictionary<string, double> seconds, double per) =>
    seconds.ToDictionary(m => m.Key.Replace("Duration", "").ToLowerInvariant(), m => Math.Round(m.Value * 1000 / per, 1));

// The timeline events of the window: how many layouts, how long, and how many layout objects each had to lay out
// (object counts do not depend on how loaded the machine is).
static void StartTrace(ICDPSession cdp)
{
    Trace.Events.Clear();
    Trace.Done = new TaskCompletionSource();
    cdp.Event("Tracing.dataCollected").OnEvent += (_, e) =>
    {
        if (e is { } json)
        {
            lock (Trace.Events)
            {
                Trace.Events.AddRange(json.GetProperty("value").EnumerateArray().Select(v => v.Clone()));
            }
        }
    };
    cdp.Event("Tracing.tracingComplete").OnEvent += (_, _) => Trace.Done.TrySetResult();
}

static async Task PrintTraceAsync(ICDPSession cdp, string variant, double seconds)
{
    await cdp.SendAsync("Tracing.end");
    await Trace.Done.Task.WaitAsync(TimeSpan.FromMinutes(2));
    var layouts = Trace.Events.Where(e => e.GetProperty("name").GetString() == "Layout" && e.TryGetProperty("dur", out _)).ToList();
    var styles = Trace.Events.Where(e => e.GetProperty("name").GetString() == "UpdateLayoutTree" && e.TryGetProperty("dur", out _)).ToList();
    var frames = Trace.Events.Count(e => e.GetProperty("name").GetString() == "FireAnimationFrame");
    static double Arg(JsonElement e, string data, string name) =>
        e.TryGetProperty("args", out var a) && a.TryGetProperty(data, out var d) && d.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : 0;
    Console.WriteLine($"trace {variant}: {layouts.Count / seconds:0.0} layouts/s, {layouts.Sum(e => e.GetProperty("dur").GetDouble()) / 1000 / Math.Max(1, layouts.Count):0.00} ms each, " +
        $"{layouts.Sum(e => Arg(e, "beginData", "dirtyObjects")) / Math.Max(1, layouts.Count):0} of {layouts.Sum(e => Arg(e, "beginData", "totalObjects")) / Math.Max(1, layouts.Count):0} objects dirty each; " +
        $"{styles.Count / seconds:0.0} style recalcs/s, {styles.Sum(e => e.GetProperty("args").TryGetProperty("elementCount", out var n) && n.ValueKind == JsonValueKind.Number ? n.GetDouble() : 0) / Math.Max(1, styles.Count):0} elements each; {frames / seconds:0.0} animation frames/s");
}

// The functions with the most self time in a CDP profile, in ms per second of the window.
static void PrintProfile(string variant, JsonElement profile, double seconds)
{
    var nodes = profile.GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("id").GetInt32());
    var self = new Dictionary<string, double>();
    var samples = profile.GetProperty("samples").EnumerateArray().Select(s => s.GetInt32()).ToArray();
    var deltas = profile.GetProperty("timeDeltas").EnumerateArray().Select(d => d.GetDouble()).ToArray();
    for (var i = 0; i < samples.Length; i++)
    {
        var frame = nodes[samples[i]].GetProperty("callFrame");
        var url = frame.GetProperty("url").GetString() ?? "";
        var key = $"{frame.GetProperty("functionName").GetString() switch { "" => "(anonymous)", var f => f }} {url[(url.LastIndexOf('/') + 1)..]}:{frame.GetProperty("lineNumber").GetInt32() + 1}";
        var next = i + 1 < deltas.Length ? deltas[i + 1] : 0; // a sample's time is the gap to the next one
        self[key] = self.GetValueOrDefault(key) + next / 1000.0;
    }

    foreach (var (key, ms) in self.Where(s => !s.Key.StartsWith("(idle)", StringComparison.Ordinal) && !s.Key.StartsWith("(program)", StringComparison.Ordinal)).OrderByDescending(s => s.Value).Take(20))
    {
        Console.WriteLine($"profile {variant}: {ms / seconds,8:0.0} ms/s  {key}");
    }
}

static double? Percentile(double[] sorted, double p) => sorted.Length == 0 ? null : Math.Round(sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))], 1);

// Sync now on t1, t2, … at RATE/3 requests per second, each on its own (a slow answer does not slow the pace).
static async Task LoadAsync(HttpClient http, int targets, double rate, CancellationToken ct)
{
    using var timer = new PeriodicTimer(TimeSpan.FromSeconds(3 / rate));
    for (var i = 0; await timer.WaitForNextTickAsync(ct); i = i % targets + 1)
    {
        _ = http.PostAsync($"/api/v1/targets/t{i % targets + 1}/sync", null, ct).ContinueWith(t => t.Result.Dispose(), TaskContinuationOptions.OnlyOnRanToCompletion);
    }
}

// Counts the events on the server's stream (the lines that name an event).
static async Task CountEventsAsync(string baseUrl, Action counted, CancellationToken ct)
{
    using var client = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
    using var stream = await client.GetStreamAsync(baseUrl + "/api/v1/events", ct);
    using var reader = new StreamReader(stream);
    while (await reader.ReadLineAsync(ct) is { } line)
    {
        if (line.StartsWith("event:", StringComparison.Ordinal))
        {
            counted();
        }
    }
}

internal static class Trace
{
    public static readonly List<JsonElement> Events = [];
    public static TaskCompletionSource Done = new();
}
