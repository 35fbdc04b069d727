using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Cli;

/// <summary>
/// The secret probe against a real <c>syncplane serve</c>: a PEM key from <c>${file:…}</c> printed line by line,
/// a secret of one target read by another target's script and by checks, and a variable the config never
/// references — looked for in the API, the event stream, checks, history, the check report and the database files.
/// </summary>
public sealed partial class ServeSecretMaskingTests : IDisposable
{
    private const string Other = "other-target-secret-7c3f91";
    private const string Unreferenced = "never-referenced-secret-41d0";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _dir = new();
    private readonly SecretProbe _probe = new(SecretProbe.Pem, Other, Unreferenced);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Serve_ApiEventsChecksHistoryReportAndDatabaseFiles_ShowNoSecretNorAnyLineOfIt()
    {
        _dir.Write("key.pem", SecretProbe.Pem.ReplaceLineEndings("\r\n") + "\r\n");
        _dir.Write("creds.txt", Other + "\n");
        _dir.Write("syncplane.yaml", """
            targets:
              deploy:
                entrypoint: scripts/deploy.sh
                env: { DEPLOY_KEY: "${file:key.pem}" }
                retry: { attempts: 1 }
              reader:
                entrypoint: scripts/reader.sh
              holder:
                entrypoint: "true"
                env: { HOLDER_TOKEN: "${env:SYNCPLANE_TEST_OTHER}" }
            checks:
              creds: { command: "cat creds.txt" }
              key: { command: "cat key.pem; echo \"$SYNCPLANE_TEST_OTHER\"; exit 1" }
            """);
        Executable("scripts/deploy.sh", "printf '%s\\n' \"$DEPLOY_KEY\"\nprintf '%s\\n' \"$DEPLOY_KEY\" >&2\nexit 1");
        Executable("scripts/reader.sh", "echo \"read: $(cat creds.txt)\"\nenv | sort");
        var token = (await SyncplaneCli.RunAsync(_dir.Path, "token", "create", "--name", "probe", "--role", "operator")).Stdout.Trim();
        var environment = new Dictionary<string, string> { ["SYNCPLANE_TEST_OTHER"] = Other, ["SYNCPLANE_TEST_UNREFERENCED"] = Unreferenced };
        var seen = new StringBuilder();

        using var serve = Process.Start(SyncplaneCli.StartInfo(_dir.Path, environment, "serve", "--urls", "http://127.0.0.1:0", "--shutdown-grace", "1"))!;
        var output = new StringBuilder();
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        serve.OutputDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (e.Data is { } line && ListeningOn().Match(line) is { Success: true } m)
            {
                listening.TrySetResult(new Uri(m.Groups["url"].Value));
            }
        };
        serve.BeginOutputReadLine();
        var stderr = serve.StandardError.ReadToEndAsync();
        try
        {
            using var client = new HttpClient { BaseAddress = await listening.Task.WaitAsync(Deadline), Timeout = Deadline };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            await using var events = await SseClient.ConnectAsync(client, "/api/v1/events");

            var deploy = await TriggerAsync(client, "deploy");
            var reader = await TriggerAsync(client, "reader");
            var (failed, before) = await events.WaitForAsync(e => e.RunId == deploy && e.Type == "run.failed", "deploy's run.failed", Deadline);
            var succeeded = before.Any(e => e.RunId == reader && e.Type == "run.succeeded")
                ? null : (await events.WaitForAsync(e => e.RunId == reader && e.Type == "run.succeeded", "reader's run.succeeded", Deadline)).Match;
            foreach (var e in before.Append(failed).Concat(succeeded is null ? [] : [succeeded]).Concat(events.Drain()))
            {
                seen.AppendLine(e.Json.GetRawText());
            }

            var checks = await PollAsync(client, "/api/v1/checks", body => !body.Contains("\"unknown\"", StringComparison.Ordinal));
            var deployLog = await client.GetStringAsync($"/api/v1/runs/{deploy}/log");
            var readerLog = await client.GetStringAsync($"/api/v1/runs/{reader}/log");
            seen.AppendLine(checks).AppendLine(deployLog).AppendLine(readerLog);
            foreach (var path in new[] { $"/api/v1/runs/{deploy}", $"/api/v1/runs/{reader}", "/api/v1/runs", "/api/v1/checks/creds", "/api/v1/checks/key",
                         "/api/v1/events/recent", "/api/v1/targets/deploy", "/api/v1/targets/holder", "/api/v1/overview" })
            {
                seen.AppendLine(await client.GetStringAsync(path));
            }

            _probe.AssertAbsentFromFiles(_dir[".syncplane"]); // while the server runs: the -wal file too

            Assert.Contains("\"message\":\"***\"", deployLog, StringComparison.Ordinal);
            Assert.Contains("read: ***", readerLog, StringComparison.Ordinal);
            Assert.Contains("SYNCPLANE_TARGET=reader", readerLog, StringComparison.Ordinal);
            Assert.DoesNotContain("SYNCPLANE_TEST_", readerLog, StringComparison.Ordinal);
            Assert.Contains("'cat creds.txt' succeeded: ***", checks, StringComparison.Ordinal);
            Assert.Contains("exited with 1, expected 0: ***", checks, StringComparison.Ordinal);
            await SyncplaneCli.TerminateAsync(serve, Deadline);
        }
        finally
        {
            if (!serve.HasExited)
            {
                serve.Kill(entireProcessTree: true);
            }
        }

        var history = await SyncplaneCli.RunAsync(_dir.Path, environment, "history", "--json");
        var check = await SyncplaneCli.RunAsync(_dir.Path, environment, "check", "--status-file", "status.json");
        Assert.Contains("exited with code 1", history.Stdout, StringComparison.Ordinal);
        Assert.Contains("creds: 'cat creds.txt' succeeded: ***", check.Stdout, StringComparison.Ordinal);
        var errors = await stderr;
        lock (output)
        {
            _probe.AssertAbsent("serve's output", output + errors);
        }

        _probe.AssertAbsent("the API and the event stream", seen.ToString());
        _probe.AssertAbsent("history --json", history.All);
        _probe.AssertAbsent("the check report", check.All);
        _probe.AssertAbsent("status.json", File.ReadAllBytes(_dir["status.json"]));
        _probe.AssertAbsentFromFiles(_dir[".syncplane"]);
    }

    private static async Task<long> TriggerAsync(HttpClient client, string target)
    {
        using var response = await client.PostAsync($"/api/v1/targets/{target}/sync", null);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("run_id").GetInt64();
    }

    private static async Task<string> PollAsync(HttpClient client, string path, Func<string, bool> done)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        while (true)
        {
            var body = await client.GetStringAsync(path, deadline.Token);
            if (done(body))
            {
                return body;
            }

            await Task.Delay(100, deadline.Token);
        }
    }

    private void Executable(string path, string script)
    {
        var file = _dir.Write(path, "#!/bin/sh\n" + script + "\n");
        File.SetUnixFileMode(file, (UnixFileMode)0b111_101_101);
    }

    [GeneratedRegex(@"listening on (?<url>http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningOn();
}
