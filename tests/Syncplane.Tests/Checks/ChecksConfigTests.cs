using System.Net;
using Syncplane.Checks;
using Syncplane.Config;

namespace Syncplane.Tests.Checks;

public sealed class ChecksConfigTests
{
    private const string Target = "version: 1\ntargets:\n  t: { entrypoint: ./x.sh }\n";

    private static SyncplaneConfig Parse(string yaml) => ConfigLoader.Default.Parse(yaml, "/work/cfg/syncplane.yaml");

    private static ConfigError SingleError(string yaml) => Assert.Single(Assert.Throws<ConfigException>(() => Parse(yaml)).Errors);

    [Fact]
    public void DesignExample_ShortForms_Bind()
    {
        var checks = Parse(Target + """
            checks:
              github-api: { http: "https://api.github.com", degraded_after: 500ms }
              repo:       { git: ".", remote: origin, branch: main }
              site:       { dns: "example.com" }
            """).Checks;

        Assert.Equal(["github-api", "repo", "site"], checks.Items.Select(c => c.Name));
        var api = checks.Items[0];
        Assert.Equal((CheckKinds.Http, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60)), (api.Kind, api.DegradedAfter!.Value, api.Timeout, api.CacheTtl));
        var http = Assert.IsType<HttpCheckOptions>(api.Options);
        Assert.Equal(new Uri("https://api.github.com"), http.Url);
        Assert.Equal(("GET", 14, false), (http.Method, http.CertExpiryDays, http.Insecure));
        Assert.Equal([(200, 399)], http.ExpectedStatus);
        Assert.Equal(new GitCheckOptions("/work/cfg") { Remote = "origin", Branch = "main" }, checks.Items[1].Options);
        Assert.Equal("example.com", Assert.IsType<DnsCheckOptions>(checks.Items[2].Options).HostName);
        Assert.Null(checks.StatusFile);
    }

    [Fact]
    public void LongForms_BindEveryOption()
    {
        var checks = Parse(Target + """
            checks:
              status_file: readiness/infinity-sync-status.json
              api:
                http:
                  url: https://status.example.com/api/v2/status.json
                  method: head
                  expected_status: [200, "300-304"]
                  json_path: status.indicator
                  json_value: none
                  headers: { Authorization: "Bearer ${env:STATUS_TOKEN}" }
                  insecure: true
                  cert_expiry_days: 30
                timeout: 2s
                cache_ttl: 5m
                section: Cloudflare
              db: { tcp: "[::1]:5432" }
              dns: { dns: { name: example.com, expect: [93.184.216.34] } }
              stack: { compose: { file: deploy/compose.yaml, docker: /usr/local/bin/docker } }
              gcloud:
                command: { run: "gcloud auth list --format=json", expected_exit_code: 0, output_pattern: "ACTIVE|\\*" }
            """).Checks;

        Assert.Equal("/work/cfg/readiness/infinity-sync-status.json", checks.StatusFile);
        var api = checks.Find("api")!;
        Assert.Equal(("Cloudflare", TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(5)), (api.Section, api.Timeout, api.CacheTtl));
        var http = (HttpCheckOptions)api.Options;
        Assert.Equal(("HEAD", "status.indicator", "none", 30, true), (http.Method, http.JsonPath, http.JsonValue, http.CertExpiryDays, http.Insecure));
        Assert.Equal([(200, 200), (300, 304)], http.ExpectedStatus);
        Assert.Equal("Bearer ${env:STATUS_TOKEN}", http.Headers["Authorization"]);
        Assert.Equal(new TcpCheckOptions("::1", 5432), checks.Find("db")!.Options);
        Assert.Equal([IPAddress.Parse("93.184.216.34")], ((DnsCheckOptions)checks.Find("dns")!.Options).Expect);
        Assert.Equal(new ComposeCheckOptions("/work/cfg/deploy/compose.yaml") { Docker = "/usr/local/bin/docker" }, checks.Find("stack")!.Options);
        var command = (CommandCheckOptions)checks.Find("gcloud")!.Options;
        Assert.Equal(("gcloud auth list --format=json", "/work/cfg", "ACTIVE|\\*"), (command.Command, command.WorkingDirectory, command.OutputPattern!.ToString()));
    }

    [Theory]
    [InlineData("  api: { http: \"https://x\", degraded: 500ms }\n", 5, 29, "unknown key 'degraded' in check 'api'")]
    [InlineData("  api: { http: { url: \"ftp://x\" } }\n", 5, 23, "'ftp://x' is not an absolute http:// or https:// URL")]
    [InlineData("  api: { http: \"https://x/${env:TOKEN}\" }\n", 5, 16, "the url may not contain secret references")]
    [InlineData("  api: { http: \"https://x\", timeout: soon }\n", 5, 38, "'timeout' must be a duration")]
    [InlineData("  api: { http: \"https://x\", tcp: \"a:1\" }\n", 5, 29, "must name exactly one kind")]
    [InlineData("  api: { ping: x }\n", 5, 8, "must name exactly one kind: http, dns, tcp, git, compose, command")]
    [InlineData("  db: { tcp: \"db.internal\" }\n", 5, 14, "needs host:port")]
    [InlineData("  gh: { command: \"gh auth status\", output_pattern: \"(\" }\n", 5, 52, "'output_pattern' is not a valid regular expression")]
    [InlineData("  site: { dns: example.com, expect: [not-an-ip] }\n", 5, 38, "'expect' entries are IP addresses")]
    [InlineData("  bad name: { dns: example.com }\n", 5, 3, "check name 'bad name' may only contain")]
    public void InvalidCheck_ReportsFileLineAndColumn(string check, int line, int column, string message)
    {
        var error = SingleError(Target + "checks:\n" + check);

        Assert.Equal(("/work/cfg/syncplane.yaml", line, column), (error.File, error.Line, error.Column));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Requires_NamesOfDeclaredChecks_Bind_UnknownOnesAreErrorsAtTheirPosition()
    {
        var config = Parse("""
            targets:
              t: { entrypoint: ./x.sh, requires: [repo] }
            checks:
              repo: { git: "." }
            """);
        var error = SingleError("""
            targets:
              t: { entrypoint: ./x.sh, requires: [repo, github-api] }
            checks:
              repo: { git: "." }
            """);

        Assert.Equal(["repo"], config.Targets[0].Requires);
        Assert.Equal((2, 45), (error.Line, error.Column));
        Assert.Contains("requires 'github-api', which is not a check under 'checks:'; known checks: repo", error.Message, StringComparison.Ordinal);
    }
}
