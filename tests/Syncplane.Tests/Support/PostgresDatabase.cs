using Npgsql;
using Syncplane.Storage.Postgres;

namespace Syncplane.Tests.Support;

/// <summary>
/// A fresh database on the real PostgreSQL server named by <c>SYNCPLANE_TEST_POSTGRES</c>, one per
/// test class (use as a class fixture), dropped afterwards. Each test takes an empty schema of its
/// own with <see cref="CreateSchema"/>, so tests in a class do not see each other's rows.
/// </summary>
/// <remarks>
/// Without the variable every test that uses this fixture fails and says how to set it:
/// <c>./scripts/test</c> sets it, starting a throwaway server when none runs.
/// </remarks>
public sealed class PostgresDatabase : IAsyncLifetime
{
    public const string Variable = "SYNCPLANE_TEST_POSTGRES";

    private readonly List<string> _databases = [];

    /// <summary>This class's database: syncplane_test_ and random hex.</summary>
    public string Name { get; } = NewName();

    /// <summary>The server connection string from the environment, or a clear failure.</summary>
    /// <remarks>Either form the store accepts (a <c>postgres://</c> URL or key=value), returned as key=value.</remarks>
    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? PostgresConnectionString.Parse(value).ConnectionString
            : throw new InvalidOperationException(
                $"{Variable} is not set, so the PostgreSQL store cannot be tested. Run ./scripts/test (it starts a throwaway server), " +
                $"or: export {Variable}=\"$(./scripts/postgres-for-tests)\" — or point it at your own server, " +
                "e.g. Host=127.0.0.1;Port=5432;Username=postgres;Password=… (the tests create and drop databases named syncplane_test_*).");

    /// <summary>A connection string for this class's database, search path unset (the public schema).</summary>
    public string ConnectionString => For(Name);

    public async Task InitializeAsync() => await CreateDatabaseAsync(Name);

    /// <summary>Creates another empty database, dropped with this fixture; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync() => For(await CreateDatabaseAsync(NewName()));

    /// <summary>Creates an empty schema in this class's database; returns a connection string whose search path is that schema.</summary>
    public string CreateSchema()
    {
        var schema = "s_" + Guid.NewGuid().ToString("n")[..12];
        using var connection = new NpgsqlConnection(ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand($"CREATE SCHEMA {schema}", connection);
        command.ExecuteNonQuery();
        return new NpgsqlConnectionStringBuilder(ConnectionString) { SearchPath = schema, Pooling = true }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        if (_databases.Count == 0)
        {
            return;
        }

        await using var connection = new NpgsqlConnection(Admin(ServerConnectionString));
        await connection.OpenAsync();
        foreach (var name in _databases)
        {
            // FORCE: a store a failed test left undisposed may still hold pooled connections.
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    private static string NewName() => "syncplane_test_" + Guid.NewGuid().ToString("n")[..16];

    private static string Admin(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;

    private static string For(string database) =>
        new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = database, Pooling = false }.ConnectionString;

    private async Task<string> CreateDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(Admin(ServerConnectionString));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0", connection);
        await command.ExecuteNonQueryAsync();
        _databases.Add(name);
        return name;
    }
}
