using Syncplane.Checks;
using Syncplane.Tests.Support;
using Reply = Syncplane.Tests.Support.LoopbackHttpServer.Reply;

namespace Syncplane.Tests.Checks;

public sealed class HttpCheckTests
{
    private static readonly DateTimeOffset Now = TimeProvider.System.GetUtcNow();

    [Fact]
    public async Task ShortForm_200_IsHealthyWithTheStatusCode()
    {
        await using var server = new LoopbackHttpServer(() => new Reply(200, "ok"));

        var result = await CheckTestBed.RunAsync($"  api: {{ http: \"{server.Url}\" }}\n");

        Assert.Equal(CheckStatus.Healthy, result.Status);
        Assert.Equal("200", result.Details["status_code"]);
        Assert.Equal("http", result.Kind);
    }

    [Fact]
    public async Task ServerError_IsDownAndSaysWhatWasExpected()
    {
        await using var server = new LoopbackHttpServer(() => new Reply(503, "maintenance"));

        var result = await CheckTestBed.RunAsync($"  api: {{ http: \"{server.Url}\" }}\n");

        Assert.Equal(CheckStatus.Down, result.Status);
        Assert.Contains("HTTP 503", result.Message, StringComparison.Ordinal);
        Assert.Contains("expected 200-399", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExpectedStatus_AcceptsTheListedCodesOnly()
    {
        await using var server = new LoopbackHttpServer(() => new Reply(404, "gone"));

        var accepted = await CheckTestBed.RunAsync($"  api: {{ http: {{ url: \"{server.Url}\", expected_status: [404, 500-599] }} }}\n");
        var refused = await CheckTestBed.RunAsync($"  api: {{ http: {{ url: \"{server.Url}\", expected_status: [200] }} }}\n");

        Assert.Equal(CheckStatus.Healthy, accepted.Status);
        Assert.Equal(CheckStatus.Down, refused.Status);
    }

    [Fact]
    public async Task SlowerThanDegradedAfter_IsDegraded()
    {
        await using var server = new LoopbackHttpServer(() => new Reply(200, "ok", TimeSpan.FromMilliseconds(400)));

        var result = await CheckTestBed.RunAsync($"  api: {{ http: \"{server.Url}\", degraded_after: 100ms }}\n");

        Assert.Equal(CheckStatus.Degraded, result.Status);
        // Not >= 400: a timer may fire a fraction of a millisecond early and the latency is truncated.
        Assert.True(result.LatencyMs > 300, $"latency {result.LatencyMs} ms");
        Assert.Contains("slow", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerThatNeverAnswers_IsDownAtTheTimeout()
    {
        await using var server = new LoopbackHttpServer(() => null);

        var result = await CheckTestBed.RunAsync($"  api: {{ http: \"{server.Url}\", timeout: 300ms }}\n");

        Assert.Equal(CheckStatus.Down, result.Status);
        Assert.Equal("timed out after 300ms", result.Message);
        Assert.InRange(result.LatencyMs, 250, 5000);
    }

    [Fact]
    public async Task BodyContainsAndJsonPath_CheckTheBody()
    {
        await using var server = new LoopbackHttpServer(() => new Reply(200, """{"status":{"indicator":"none","items":[{"name":"api"}]}}""", ContentType: "application/json"));
        var url = server.Url;

        var contains = await CheckTestBed.RunAsync($"  api: {{ http: {{ url: \"{url}\", body_contains: indicator }} }}\n");
        var missing = await CheckTestBed.RunAsync($"  api: {{ http: {{ url: \"{url}\", body_contains: major_outage }} }}\n");
        var value = await CheckTestBed.RunAsync($"  api: {{ http: {{ url: \"{url}\", json_path: status.indicator, json_value: none }} }}\n");
        var wrong = await CheckTestBed.RunAsync($"  api: {{ http: {{ url: \"{url}\", json_path: status.indicator, json_value: minor }} }}\n");
        var indexed = await CheckTestBed.RunAsync($"  api: {{ http: {{ url: \"{url}\", json_path: status.items.0.name, json_value: api }} }}\n");
        var absent = await CheckTestBed.RunAsync($"  api: {{ http: {{ url: \"{url}\", json_path: status.page }} }}\n");

        Assert.Equal(CheckStatus.Healthy, contains.Status);
        Assert.Equal(CheckStatus.Down, missing.Status);
        Assert.Equal(CheckStatus.Healthy, value.Status);
        Assert.Equal("none", value.Details["json_value"]);
        Assert.Equal(CheckStatus.Down, wrong.Status);
        Assert.Contains("'status.indicator' is 'none', expected 'minor'", wrong.Message, StringComparison.Ordinal);
        Assert.Equal(CheckStatus.Healthy, indexed.Status);
        Assert.Equal(CheckStatus.Down, absent.Status);
    }

    [Fact]
    public async Task UntrustedSelfSignedCertificate_IsReportedDownWithItsDetails()
    {
        await using var server = new LoopbackHttpServer(() => new Reply(200, "ok"), LoopbackHttpServer.Certificate(Now.AddDays(-1), Now.AddDays(90)));

        var result = await CheckTestBed.RunAsync($"  api: {{ http: \"{server.Url}\" }}\n");

        Assert.Equal(CheckStatus.Down, result.Status);
        Assert.Contains("not trusted", result.Message, StringComparison.Ordinal);
        Assert.Equal("CN=syncplane-test", result.Details["cert_subject"]);
        Assert.Equal("false", result.Details["cert_trusted"]);
        Assert.InRange(int.Parse(result.Details["cert_days_left"], System.Globalization.CultureInfo.InvariantCulture), 88, 90);
    }

    [Fact]
    public async Task CaFile_TrustsTheSelfSignedCertificate()
    {
        using var directory = new TempDirectory();
        var certificate = LoopbackHttpServer.Certificate(Now.AddDays(-1), Now.AddDays(90));
        directory.Write("ca.pem", certificate.ExportCertificatePem());
        await using var server = new LoopbackHttpServer(() => new Reply(200, "ok"), certificate);

        var result = await CheckTestBed.RunAsync($"  api: {{ http: {{ url: \"{server.Url}\", ca_file: ca.pem }} }}\n", directory.Path);

        Assert.Equal(CheckStatus.Healthy, result.Status);
        Assert.Equal("true", result.Details["cert_trusted"]);
    }

    [Fact]
    public async Task CertificateExpiringWithinCertExpiryDays_IsDegraded()
    {
        await using var server = new LoopbackHttpServer(() => new Reply(200, "ok"), LoopbackHttpServer.Certificate(Now.AddDays(-30), Now.AddDays(5).AddHours(1)));

        var soon = await CheckTestBed.RunAsync($"  api: {{ http: {{ url: \"{server.Url}\", insecure: true }} }}\n");
        var tolerated = await CheckTestBed.RunAsync($"  api: {{ http: {{ url: \"{server.Url}\", insecure: true, cert_expiry_days: 3 }} }}\n");

        Assert.Equal(CheckStatus.Degraded, soon.Status);
        Assert.Equal("5", soon.Details["cert_days_left"]);
        Assert.Contains("certificate expires in 5 day(s)", soon.Message, StringComparison.Ordinal);
        Assert.Equal(CheckStatus.Healthy, tolerated.Status);
    }

    [Fact]
    public async Task ExpiredCertificate_IsDownEvenWhenInsecure()
    {
        await using var server = new LoopbackHttpServer(() => new Reply(200, "ok"), LoopbackHttpServer.Certificate(Now.AddDays(-60), Now.AddDays(-2).AddHours(-1)));

        var insecure = await CheckTestBed.RunAsync($"  api: {{ http: {{ url: \"{server.Url}\", insecure: true }} }}\n");
        var strict = await CheckTestBed.RunAsync($"  api: {{ http: \"{server.Url}\" }}\n");

        Assert.Equal(CheckStatus.Down, insecure.Status);
        Assert.Contains("certificate expired on", insecure.Message, StringComparison.Ordinal);
        Assert.Equal("-3", insecure.Details["cert_days_left"]);
        Assert.Equal(CheckStatus.Down, strict.Status);
        Assert.Contains("certificate expired", strict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HeaderSecret_IsSentButNeverInTheResult()
    {
        await using var server = new LoopbackHttpServer(() => new Reply(401, "token s3cret-value rejected"));
        var check = Assert.Single(CheckTestBed.Bind($"  api: {{ http: {{ url: \"{server.Url}\", headers: {{ Authorization: \"Bearer ${{env:CHECK_TOKEN}}\" }} }} }}\n").Items);
        var secrets = new Syncplane.Config.SecretResolver(Path.GetTempPath(), name => name == "CHECK_TOKEN" ? "s3cret-value" : null);

        var result = await new CheckRunner(TimeProvider.System, secrets).RunOneAsync(check, CancellationToken.None);

        Assert.Contains("Authorization: Bearer s3cret-value", server.LastRequest, StringComparison.Ordinal);
        Assert.Equal(CheckStatus.Down, result.Status);
        Assert.DoesNotContain("s3cret-value", result.Message + string.Join(" ", result.Details.Values), StringComparison.Ordinal);
    }
}
