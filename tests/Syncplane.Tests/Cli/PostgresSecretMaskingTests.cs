using System.Text;
using Npgsql;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Cli;

/// <summary>The secret probe over every row a <c>syncplane run</c> leaves in a PostgreSQL store.</summary>
public sealed class PostgresSecretMaskingTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IDisposable
{
    private const string Other = "other-target-secret-pg-3b8e";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Run_OnPostgres_StoresNoSecretNorAnyLineOfIt()
    {
        var connection = await database.CreateDatabaseAsync();
        _dir.Write("key.pem", SecretProbe.Pem + "\n");
        _dir.Write("creds.txt", Other + "\n");
        _dir.Write("syncplane.yaml", """
            targets:
              deploy:
                entrypoint: scripts/deploy.sh
                env: { DEPLOY_KEY: "${file:key.pem}" }
              reader:
                entrypoint: "cat creds.txt"
              holder:
                entrypoint: "true"
                env: { HOLDER_TOKEN: "${env:SYNCPLANE_TEST_OTHER}" }
            """);
        var script = _dir.Write("scripts/deploy.sh", "#!/bin/sh\nprintf '%s\\n' \"$DEPLOY_KEY\"\nprintf '%s\\n' \"$DEPLOY_KEY\" >&2\nexit 1\n");
        File.SetUnixFileMode(script, (UnixFileMode)0b111_101_101);

        var result = await SyncplaneCli.RunAsync(_dir.Path, new Dictionary<string, string> { ["SYNCPLANE_TEST_OTHER"] = Other },
            "run", "--ci", "--store", connection); // in file order: 'reader' prints the secret before 'holder' resolves it

        Assert.Equal(1, result.ExitCode);
        var rows = await AllRowsAsync(connection);
        Assert.Contains("exited with code 1", rows, StringComparison.Ordinal);
        Assert.Contains("***", rows, StringComparison.Ordinal);
        new SecretProbe(SecretProbe.Pem, Other).AssertAbsent("the PostgreSQL rows", rows);
    }

    private static async Task<string> AllRowsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        Assert.NotEmpty(tables);
        var text = new StringBuilder();
        foreach (var table in tables)
        {
            await using var select = new NpgsqlCommand($"SELECT row_to_json(t)::text FROM \"{table}\" t", connection);
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                text.AppendLine(reader.GetString(0));
            }
        }

        return text.ToString();
    }
}
