// The dashboard benchmark's client (bench/dashboard/run.sh): drives a running `syncplane serve` at RATE events/s
// (Sync now requests at RATE/3 per second; each run makes about three events) and opens the dashboard in headless
// Chromium, once as it is today and once as the old page (its files served in place of the new ones), measuring:
//   first render        from navigation to the last target's row in the table;
//   time to apply       from an event's arrival at the page (its EventSource dispatch) to the first change of that
//                       target's row in the DOM (median and p95 over the window);
//   bytes per minute    received by the tab (Chromium's network counters), over the window;
//   events per second   on the server's stream during the window (what the load really produced).
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
foreach (var variant in new[] { "new", "old" })
{
    var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 900 } });
    await context.AddInitScriptAsync(Instrument);
    var page = await context.NewPageAsync();
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
    cdp.Event("Network.dataReceived").OnEvent += (_, e) => { if (e is { } json) Interlocked.Add(ref bytes, json.GetProperty("encodedDataLength").GetInt64()); };

    var watch = Stopwatch.StartNew();
    await page.GotoAsync(baseUrl + "/");
    await page.Locator("#targets tbody tr").Nth(targets - 1).WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 300_000 });
    var firstRender = watch.Elapsed.TotalMilliseconds;

    await page.EvaluateAsync("() => { window.__applied.length = 0; window.__busy = 0; new PerformanceObserver(l => { for (const e of l.getEntries()) window.__busy += e.duration; }).observe({ type: 'longtask', buffered: false }); }");
    Interlocked.Exchange(ref bytes, 0);
    var events0 = Interlocked.Read(ref streamEvents);
    await Task.Delay(TimeSpan.FromSeconds(seconds));
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
        bytes_per_minute = moved * 60 / seconds,
    }));
    await context.CloseAsync();
}

await stop.CancelAsync();
await Task.WhenAll(load.ContinueWith(_ => { }), count.ContinueWith(_ => { }));

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
