using System.Net;
using System.Net.Sockets;
using Npgsql;
using Syncplane.Engine;
using Syncplane.Storage;
using Syncplane.Storage.Postgres;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Storage;

/// <summary>A store's password must not reach exceptions, descriptions or anything Npgsql hands out.</summary>
public sealed class PostgresSecretTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private const string Password = "Sup3r-Secret-Pa55";

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task UnreachableServer_ErrorAndDescriptionLeaveThePasswordOut()
    {
        var port = ClosedPort();
        await using var store = new PostgresSyncStore($"postgres://syncplane:{Password}@127.0.0.1:{port}/state?connect_timeout=5", _time);

        var error = await Assert.ThrowsAnyAsync<NpgsqlException>(() => store.MigrateAsync(CancellationToken.None));

        Assert.DoesNotContain(Password, error.ToString(), StringComparison.Ordinal);
        Assert.Equal($"postgres://syncplane@127.0.0.1:{port}/state", store.Description);
        Assert.Equal(store.Description, store.ToString());
        Assert.DoesNotContain(Password, store.DataSourceConnectionString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerError_AndAPersistSecurityInfoRequest_LeaveThePasswordOut()
    {
        var builder = new NpgsqlConnectionStringBuilder(database.ConnectionString)
        {
            Password = Password,
            PersistSecurityInfo = true,
            Database = "syncplane_test_no_such_database",
        };
        await using var store = new PostgresSyncStore(builder.ConnectionString, _time);

        var error = await Assert.ThrowsAsync<PostgresException>(() => store.MigrateAsync(CancellationToken.None));

        Assert.Equal(PostgresErrorCodes.InvalidCatalogName, error.SqlState);
        Assert.DoesNotContain(Password, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Password, store.DataSourceConnectionString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WorkingStore_ConnectionStringsItHandsOutLeaveThePasswordOut()
    {
        // The test server may trust loopback and ignore the password; what matters is what the client keeps.
        var builder = new NpgsqlConnectionStringBuilder(database.CreateSchema()) { Password = Password };
        await using var store = new PostgresSyncStore(builder.ConnectionString, _time);
        await store.MigrateAsync(CancellationToken.None);
        var id = await store.StartRunAsync(new NewRun("t", "cli", "pull", false), CancellationToken.None);
        await store.AppendLogAsync(id, [new(_time.GetUtcNow(), LogLevel.Info, "ok")], CancellationToken.None);

        Assert.DoesNotContain(Password, store.DataSourceConnectionString, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, store.Description, StringComparison.Ordinal);
        Assert.Contains(database.Name, store.Description, StringComparison.Ordinal);
    }

    /// <summary>A loopback port nothing listens on: bound to learn a free number, then released.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
