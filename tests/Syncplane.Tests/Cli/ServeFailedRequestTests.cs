using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Npgsql;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Cli;

/// <summary>
/// A request that fails inside <c>syncplane serve</c> (here: the PostgreSQL store refuses the write) leaves one line on
/// stderr naming the request and the error, with secrets masked, while the client gets a 500 without the message.
/// </summary>
public sealed partial class ServeFailedRequestTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IDisposable
{
    private const string Secret = "deploy-token-5e1a93c7";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task RequestFailingInTheStore_PrintsMethodPathAndTheMaskedError_AndAnswers500WithoutIt()
    {
        var connection = await database.CreateDatabaseAsync();
        _dir.Write("syncplane.yaml", """
            targets:
              deploy:
                entrypoint: "true"
                env: { DEPLOY_TOKEN: "${env:SYNCPLANE_TEST_DEPLOY_TOKEN}" }
            """);
        var environment = new Dictionary<string, string> { ["SYNCPLANE_TEST_DEPLOY_TOKEN"] = Secret };
        var token = (await SyncplaneCli.RunAsync(_dir.Path, environment, "token", "create", "--name", "ops", "--role", "operator", "--store", connection)).Stdout.Trim();

        using var serve = Process.Start(SyncplaneCli.StartInfo(_dir.Path, environment,
            "serve", "--store", connection, "--urls", "http://127.0.0.1:0", "--shutdown-grace", "1"))!;
        var output = new ProcessOutput(serve, "serve");
        try
        {
            await output.WaitUntilAsync(() => ListeningOn().IsMatch(output.Text), Deadline);
            using var client = new HttpClient { BaseAddress = new Uri(ListeningOn().Match(output.Text).Groups["url"].Value), Timeout = Deadline };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

            // The store now refuses every new run with a message that carries the target's secret.
            await RefuseNewRunsAsync(connection, $"refused for {Secret}");
            using var response = await client.PostAsync("/api/v1/targets/deploy/sync", null);
            var body = await response.Content.ReadAsStringAsync();

            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            Assert.DoesNotContain("refused", body, StringComparison.Ordinal);
            await output.WaitUntilAsync(() => output.Text.Contains("serve: POST /api/v1/targets/deploy/sync failed: PostgresException:", StringComparison.Ordinal), Deadline);
            Assert.Contains("refused for ***", output.Text, StringComparison.Ordinal);
            Assert.DoesNotContain(Secret, output.Text, StringComparison.Ordinal);
        }
        finally
        {
            await SyncplaneCli.TerminateAsync(serve, Deadline);
        }
    }

    private static async Task RefuseNewRunsAsync(string connectionString, string message)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"""
            CREATE FUNCTION refuse_runs() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{message}'; END $$;
            CREATE TRIGGER refuse_runs BEFORE INSERT ON runs FOR EACH ROW EXECUTE FUNCTION refuse_runs();
            """, connection);
        await command.ExecuteNonQueryAsync();
    }

    [GeneratedRegex(@"listening on (?<url>http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningOn();
}
