// The dashboard benchmark's browser side (bench/dashboard/run.sh): opens a page in headless Chromium against a
// running `syncplane serve`, once with today's dashboard and once with the old one (its files served in place of
// the new ones by request interception), and measures first render, time to apply an event and bytes per minute.
// Usage: dashboardBench BASE_URL OLD_DIR TARGETS SECONDS
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Playwright;

var baseUrl = args[0].TrimEnd('/');
var oldDir = args[1];
var targets = int.Parse(args[2]);
var seconds = int.Parse(args[3]);

using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ["--no-sandbox", "--disable-dev-shm-usage"] });
foreach (var variant in new[] { "new", "old" })
{
    var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 900 } });
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
    cdp.Event("Network.dataReceived").OnEvent += (_, e) => { if (e is { } json) Interlocked.Add(ref bytes, json.GetProperty("encodedDataLength").GetInt64() + json.GetProperty("dataLength").GetInt64() * 0); };

    var watch = Stopwatch.StartNew();
    await page.GotoAsync(baseUrl + "/");
    await page.Locator("#targets tbody tr").Nth(targets - 1).WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 120_000 });
    var firstRender = watch.Elapsed.TotalMilliseconds;

    // Time to apply an event: the page's main thread is blocked (long tasks) while it handles the stream.
    await page.EvaluateAsync("() => { window.__busy = 0; new PerformanceObserver(l => { for (const e of l.getEntries()) window.__busy += e.duration; }).observe({ type: 'longtask', buffered: false }); }");
    var events0 = await Count(page);
    Interlocked.Exchange(ref bytes, 0);
    await Task.Delay(TimeSpan.FromSeconds(seconds));
    var moved = Interlocked.Read(ref bytes);
    var busy = await page.EvaluateAsync<double>("() => window.__busy");
    var events = await Count(page) - events0;
    var lag = await page.EvaluateAsync<double>("async () => { const t = performance.now(); await new Promise(r => setTimeout(r, 0)); return performance.now() - t; }");
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        variant, targets, seconds, first_render_ms = Math.Round(firstRender), feed_lines_seen = events,
        long_task_ms_per_s = Math.Round(busy / seconds, 1), timer_lag_ms = Math.Round(lag, 1),
        bytes_per_minute = moved * 60 / seconds,
    }));
    await context.CloseAsync();
}

// Feed lines ever added (the feed keeps 50): counted by a MutationObserver installed on first call.
static async Task<double> Count(IPage page) => await page.EvaluateAsync<double>(
    "() => { if (window.__added === undefined) { window.__added = 0; new MutationObserver(m => { for (const r of m) window.__added += r.addedNodes.length; }).observe(document.querySelector('#feed'), { childList: true }); } return window.__added; }");
