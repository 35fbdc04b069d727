using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Syncplane.Access;
using Syncplane.Checks;
using Syncplane.Events;
using Syncplane.Server.Security;
using Syncplane.Storage;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Server;

/// <summary>
/// Two projects on one node, alpha and bravo, each with a failing target (its run log, its alert), a check and a document,
/// plus a target in no project. With alpha's admin token, every registered route (found by reflection, so a new route
/// cannot be missed) and every event type are tried against bravo's objects: nothing of bravo's, and nothing of the
/// unowned target, reaches alpha, and a bravo object answers exactly as one that does not exist.
/// </summary>
public sealed partial class ProjectIsolationTests : IAsyncLifetime
{
    private static readonly string Yaml = TwoProjects.Config("""
        targets:
          alpha-site: { entrypoint: "echo alpha-log-line; exit 1", retry: { attempts: 1 } }
          alpha-assets:
            source: { http: { url: "http://127.0.0.1:9/assets", records: results, key: [name] } }
            destination: { document: { name: alpha-doc } }
          bravo-site: { entrypoint: "echo bravo-log-line; exit 1", retry: { attempts: 1 } }
          bravo-assets:
            source: { http: { url: "http://127.0.0.1:9/assets", records: results, key: [name] } }
            destination: { document: { name: bravo-doc } }
          ops-shared: { entrypoint: "echo ops-log-line" }
        """);

    // What must never reach alpha, unless alpha itself put it in the request.
    private static readonly string[] Foreign = ["bravo", "ops-shared", "ops-log-line"];

    private TestServer _server = null!;
    private HttpClient _alpha = null!;
    private HttpClient _bravo = null!;
    private long _bravoRun;
    private long _bravoAlert;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(Yaml, checks: false);
        _alpha = await ProjectClientAsync(_server, "alpha-admin", ApiRole.Admin, "alpha");
        _bravo = await ProjectClientAsync(_server, "bravo-admin", ApiRole.Admin, "bravo");
        using var global = _server.Client(ApiRole.Operator);
        foreach (var target in new[] { "alpha-site", "bravo-site", "ops-shared" })
        {
            Assert.Equal(HttpStatusCode.Accepted, (await global.PostAsync($"/api/v1/targets/{target}/sync", null)).StatusCode);
        }

        foreach (var check in new[] { "alpha-probe", "bravo-probe" })
        {
            var result = new CheckResult { Name = check, Kind = "tcp", Status = CheckStatus.Down, Message = $"{check} refused", CheckedAt = _server.Context.Time.GetUtcNow() };
            await CheckRecorder.RecordAsync(_server.Store, result, null, CancellationToken.None);
        }

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var runs = await _server.Store.ListRunsAsync(new RunQuery(Limit: 10), CancellationToken.None);
            var alerts = await _server.Store.ListAlertStatesAsync(CancellationToken.None);
            if (runs.Count == 3 && runs.All(r => r.Status is RunStatus.Failed or RunStatus.Succeeded) && alerts.Any(a => a.Subject == "bravo-site" && a.State == "firing"))
            {
                _bravoRun = runs.Single(r => r.Target == "bravo-site").Id;
                _bravoAlert = alerts.Single(a => a.Subject == "bravo-site").Id;
                break;
            }

            await Task.Delay(100, deadline.Token);
        }

        // Bravo silences its own alert, so alpha has a foreign silence to not see.
        Assert.Equal(HttpStatusCode.Created, (await Send(_bravo, "POST", "/api/v1/alerts/silences", SilenceBody("bravo-site"))).Status);
    }

    public async Task DisposeAsync()
    {
        _alpha.Dispose();
        _bravo.Dispose();
        await _server.DisposeAsync();
    }

    /// <summary>A client whose token is scoped to <paramref name="project"/>.</summary>
    internal static async Task<HttpClient> ProjectClientAsync(TestServer server, string name, ApiRole role, string project)
    {
        var token = ApiTokens.Generate();
        await server.Store.CreateTokenAsync(name, role, ApiTokens.Hash(token), CancellationToken.None, project);
        var client = server.Client();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    [Fact]
    public void EveryAuthorizedRoute_DeclaresItsProjectScoping()
    {
        var undeclared = AuthorizedEndpoints().Where(e => e.Metadata.GetMetadata<ProjectScoping>() is null).Select(e => e.RoutePattern.RawText).ToList();

        Assert.Empty(undeclared);
        Assert.True(AuthorizedEndpoints().Count() >= 40);
    }

    [Fact]
    public async Task EveryRoute_WithAnotherProjectsObjects_LeaksNothing_AndAnswersAsForANonexistentObject()
    {
        var tried = 0;
        foreach (var endpoint in AuthorizedEndpoints())
        {
            var rule = endpoint.Metadata.GetMetadata<ProjectScoping>()!;
            var template = endpoint.RoutePattern.RawText!;
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
            {
                if (endpoint.Metadata.GetMetadata<QueryTokens>() is not null)
                {
                    continue; // the event stream: EveryEventType_… below
                }

                tried++;
                switch (rule.Kind)
                {
                    case ScopingKind.Object:
                        var (foreign, missing) = Names(rule.Object);
                        await AssertAnswersAsForNonexistentAsync(method, Fill(template, foreign), Fill(template, missing), foreign, missing);
                        if (method == "GET")
                        {
                            // The same request with bravo's token is answered differently: the names are real.
                            var own = await Send(_bravo, method, Fill(template, foreign));
                            var denied = await Send(_alpha, method, Fill(template, foreign));
                            Assert.NotEqual(Normalize(denied.Body), Normalize(own.Body));
                        }

                        break;
                    case ScopingKind.Filtered:
                        string[] queries = ["", "?target=bravo-site", "?check=bravo-probe", $"?alert={_bravoAlert}", "?target=ops-shared"];
                        foreach (var query in queries)
                        {
                            var path = template.TrimEnd('/') + (template.EndsWith('/') ? "/" : "") + query;
                            var body = method == "POST" ? SilenceBody(query.Contains("check", StringComparison.Ordinal) ? null : "bravo-site") : null;
                            var answer = await Send(_alpha, method, path, body);
                            AssertNoLeak(answer, $"{method} {path}", query.Length > 0 ? query.Split('=')[1] : null);
                        }

                        // A silence that names another project's target is refused as one that names nothing known.
                        if (method == "POST")
                        {
                            await AssertAnswersAsForNonexistentAsync(method, template, template, "bravo-site", "zulu-site", SilenceBody("bravo-site"), SilenceBody("zulu-site"));
                        }

                        break;
                    case ScopingKind.GlobalOnly:
                        Assert.Equal(HttpStatusCode.Forbidden, (await Send(_alpha, method, template)).Status);
                        break;
                }
            }
        }

        Assert.True(tried >= 38, $"only {tried} routes were tried");

        // Nothing alpha asked for changed bravo: no run queued, nothing paused, its alert still firing and unacknowledged.
        var bravoRuns = await _server.Store.ListRunsAsync(new RunQuery("bravo-site"), CancellationToken.None);
        Assert.Single(bravoRuns);
        var telemetry = System.Text.Json.JsonDocument.Parse((await Send(_bravo, "GET", "/api/v1/targets/bravo-site/status")).Body).RootElement;
        Assert.True(!telemetry.TryGetProperty("paused_reason", out var paused) || paused.ValueKind == System.Text.Json.JsonValueKind.Null);
        Assert.True(!telemetry.TryGetProperty("frequency_overridden", out var overridden) || !overridden.GetBoolean());
        var alert = (await _server.Store.GetAlertStateAsync(_bravoAlert, CancellationToken.None))!;
        Assert.Equal(("firing", null), (alert.State, alert.AckedBy));

        // Every refusal is audited, for bravo's admins to see (and hidden from alpha's).
        var audit = await Send(_bravo, "GET", "/api/v1/audit?limit=500");
        Assert.Contains("\"action\":\"project.denied\"", audit.Body, StringComparison.Ordinal);
        Assert.Contains("token:alpha-admin", audit.Body, StringComparison.Ordinal);
        var denials = (await _server.Store.ListAuditAsync(null, 1000, CancellationToken.None)).Where(a => a.Action == "project.denied").ToList();
        Assert.All(denials, d => Assert.Equal("token:alpha-admin", d.Actor));
        Assert.Contains(denials, d => d.Subject == "bravo-site" && d.Details.Contains($"/runs/{_bravoRun}/log", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunIdsSpelledDifferently_AreStillHeldToTheirProject()
    {
        foreach (var spelling in new[] { $"+{_bravoRun}", $"00{_bravoRun}", $"{_bravoRun}%20" })
        {
            var answer = await Send(_alpha, "GET", $"/api/v1/runs/{spelling}/log");
            Assert.DoesNotContain("bravo", answer.Body, StringComparison.Ordinal);
            Assert.NotEqual(HttpStatusCode.OK, answer.Status);
        }
    }

    [Fact]
    public async Task EveryEventType_ReachesOnlyItsProject_LiveReplayedAndPolled()
    {
        var types = typeof(EventTypes).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!)
            .Concat(["alert.firing", "alert.resolved", "alert.acknowledged", "alert.silenced", "node.started"]).ToList();
        Assert.True(types.Count > 15);
        var before = await _server.Store.GetLastEventIdAsync(CancellationToken.None);
        await using var alphaLive = await SseClient.ConnectAsync(_alpha, "/api/v1/events");
        await using var bravoLive = await SseClient.ConnectAsync(_bravo, "/api/v1/events");
        await Task.Delay(200); // both subscriptions exist before the events are appended

        foreach (var type in types)
        {
            foreach (var (project, target, check) in new[] { ("alpha", "alpha-site", "alpha-probe"), ("bravo", "bravo-site", "bravo-probe"), ("nobody", "ops-shared", "none") })
            {
                await Append(type, target, new JsonObject { ["marker"] = project });
                await Append(type, null, new JsonObject { ["marker"] = project, ["name"] = check, ["check"] = check });
            }

            await Append(type, null, new JsonObject { ["marker"] = "nobody" });
        }

        await Append(EventTypes.RunQueued, "alpha-site", new JsonObject { ["marker"] = "alpha", ["last"] = true });
        await Append(EventTypes.RunQueued, "bravo-site", new JsonObject { ["marker"] = "bravo", ["last"] = true });
        await using var alphaReplay = await SseClient.ConnectAsync(_alpha, "/api/v1/events", before.ToString(System.Globalization.CultureInfo.InvariantCulture));

        foreach (var (stream, project) in new[] { (alphaLive, "alpha"), (alphaReplay, "alpha"), (bravoLive, "bravo") })
        {
            var (last, seen) = await stream.WaitForAsync(e => e.Data.TryGetProperty("last", out _), $"{project}'s last event");
            seen.Add(last);
            Assert.All(seen.Where(e => e.Id > before && e.Data.TryGetProperty("marker", out _)), e => Assert.Equal(project, e.Data.GetProperty("marker").GetString()));
            Assert.All(seen, e => Assert.DoesNotContain(project == "alpha" ? "bravo" : "alpha", e.Json.GetRawText(), StringComparison.Ordinal));

            // Each type reached its own project on its target, and check and alert events on its check.
            Assert.Equal(types.Order(), seen.Where(e => e.Id > before && e.Target is not null).Select(e => e.Type).Distinct().Order());
            Assert.Contains(seen, e => e.Type == EventTypes.CheckChanged && e.Target is null);
            Assert.Contains(seen, e => e.Type == "alert.firing" && e.Target is null);
        }

        var polled = await Send(_alpha, "GET", $"/api/v1/events/recent?after={before}&limit=1000");
        Assert.Equal(HttpStatusCode.OK, polled.Status);
        AssertNoLeak(polled, "GET /api/v1/events/recent", null);
        Assert.Contains("\"marker\":\"alpha\"", polled.Body, StringComparison.Ordinal);

        async Task Append(string type, string? target, JsonObject data) =>
            await _server.Store.AppendEventAsync(new NewEvent(type, target, null, data), CancellationToken.None);
    }

    private IEnumerable<RouteEndpoint> AuthorizedEndpoints() =>
        _server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IAuthorizeData>() is not null && e.Metadata.GetMetadata<IAllowAnonymous>() is null);

    private (string Foreign, string Missing) Names(ScopedObject kind) => kind switch
    {
        ScopedObject.Target => ("bravo-site", "zulu-site"),
        ScopedObject.Check => ("bravo-probe", "zulu-probe"),
        ScopedObject.Document => ("bravo-doc", "zulu-doc"),
        ScopedObject.Run => (_bravoRun.ToString(System.Globalization.CultureInfo.InvariantCulture), "987654"),
        _ => (_bravoAlert.ToString(System.Globalization.CultureInfo.InvariantCulture), "987654"),
    };

    private async Task AssertAnswersAsForNonexistentAsync(
        string method, string foreignPath, string missingPath, string foreign, string missing, string? foreignBody = null, string? missingBody = null)
    {
        foreignBody ??= Body(method, foreignPath);
        missingBody ??= Body(method, missingPath);
        var denied = await Send(_alpha, method, foreignPath, foreignBody);
        var absent = await Send(_alpha, method, missingPath, missingBody);
        Assert.Equal(absent.Status, denied.Status);
        Assert.Equal(Normalize(absent.Body.Replace(missing, "NAME", StringComparison.Ordinal)), Normalize(denied.Body.Replace(foreign, "NAME", StringComparison.Ordinal)));
        AssertNoLeak(denied, $"{method} {foreignPath}", foreign);
    }

    private static void AssertNoLeak((HttpStatusCode Status, string Body) answer, string request, string? asked)
    {
        var body = asked is null ? answer.Body : answer.Body.Replace(asked, "", StringComparison.Ordinal);
        foreach (var marker in Foreign)
        {
            Assert.False(body.Contains(marker, StringComparison.Ordinal), $"{request} answered {(int)answer.Status} with '{marker}' in it: {answer.Body}");
        }
    }

    private static string Fill(string template, string value) => RouteParameter().Replace(template, value);

    private static string? Body(string method, string path) => method switch
    {
        "PATCH" when path.Contains("/connections/", StringComparison.Ordinal) => """{"sync_frequency": "hourly"}""",
        "PATCH" => """{"frequency": "hourly"}""",
        _ => null,
    };

    private static string SilenceBody(string? target) =>
        target is null ? """{"matchers": {"check": "bravo-probe"}, "duration": "1h"}""" : $$"""{"matchers": {"target": "{{target}}"}, "duration": "1h"}""";

    // Timestamps, ages and trace ids differ between two requests that should otherwise answer the same.
    private static string Normalize(string body) => Volatile().Replace(body, "~");

    private static async Task<(HttpStatusCode Status, string Body)> Send(HttpClient client, string method, string path, string? body = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        body ??= Body(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();

    [GeneratedRegex(@"\d{4}-\d\d-\d\dT[\d:.]+(Z|[+-]\d\d:\d\d)?|""trace_?[iI]d"":""[^""]*""|""age_seconds"":[\d.]+")]
    private static partial Regex Volatile();
}
