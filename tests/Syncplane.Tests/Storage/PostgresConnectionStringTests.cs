using Npgsql;
using Syncplane.Storage.Postgres;

namespace Syncplane.Tests.Storage;

public sealed class PostgresConnectionStringTests
{
    [Fact]
    public void Parse_Url_TakesUserPasswordHostPortAndDatabase()
    {
        var b = PostgresConnectionString.Parse("postgres://sync:p%40ss%3Aw%2Frd@db.example.com:6543/syncplane");

        Assert.Equal(("sync", "p@ss:w/rd", "db.example.com", 6543, "syncplane"), (b.Username, b.Password, b.Host, b.Port, b.Database));
    }

    [Fact]
    public void Parse_PostgresqlSchemeWithoutPortOrPassword_UsesDefaults()
    {
        var b = PostgresConnectionString.Parse("postgresql://sync@db/state");

        Assert.Equal(("sync", null, "db", 5432, "state"), (b.Username, b.Password, b.Host, b.Port, b.Database));
    }

    [Fact]
    public void Parse_UrlWithUnescapedAtInPassword_SplitsAtTheLastAt()
    {
        var b = PostgresConnectionString.Parse("postgres://u:a@b@host/db");

        Assert.Equal(("u", "a@b", "host"), (b.Username, b.Password, b.Host));
    }

    [Fact]
    public void Parse_UrlWithIpv6Host_StripsTheBrackets()
    {
        var b = PostgresConnectionString.Parse("postgres://u@[::1]:5433/db");

        Assert.Equal(("::1", 5433), (b.Host, b.Port));
        Assert.Equal("postgres://u@[::1]:5433/db", PostgresConnectionString.Describe(b));
    }

    [Fact]
    public void Parse_UrlWithSeveralHosts_BecomesNpgsqlsHostList()
    {
        var b = PostgresConnectionString.Parse("postgres://u@one:5432,two,three:6000/db?target_session_attrs=primary");

        Assert.Equal("one:5432,two,three:6000", b.Host);
        Assert.Equal("primary", b.TargetSessionAttributes);
    }

    [Fact]
    public void Parse_UrlQuery_MapsLibpqNamesAndNpgsqlKeywords()
    {
        var b = PostgresConnectionString.Parse(
            "postgres://u@h/db?sslmode=verify-full&connect_timeout=7&application_name=node%201&search_path=sync&maximum_pool_size=20&Command%20Timeout=90");

        Assert.Equal(SslMode.VerifyFull, b.SslMode);
        Assert.Equal(7, b.Timeout);
        Assert.Equal("node 1", b.ApplicationName);
        Assert.Equal("sync", b.SearchPath);
        Assert.Equal(20, b.MaxPoolSize);
        Assert.Equal(90, b.CommandTimeout);
    }

    [Fact]
    public void Parse_KeyValueString_IsNpgsqlsOwn()
    {
        var b = PostgresConnectionString.Parse("Host=127.0.0.1;Port=5433;Username=postgres;Password=x;Database=postgres");

        Assert.Equal(("127.0.0.1", 5433, "postgres", "x", "postgres"), (b.Host, b.Port, b.Username, b.Password, b.Database));
    }

    [Fact]
    public void Describe_LeavesThePasswordOut()
    {
        var b = PostgresConnectionString.Parse("Host=db;Port=5433;Username=ops team;Password=hunter2;Database=state");

        Assert.Equal("postgres://ops%20team@db:5433/state", PostgresConnectionString.Describe(b));
    }

    [Theory]
    [InlineData("postgres://u:hunter2@host:notaport/db", "port")]
    [InlineData("postgres://u:hunter2@host:70000/db", "port")]
    [InlineData("postgres://u:hunter2@[::1/db", "']'")]
    [InlineData("postgres://u:hunter2@host/db?no_such_option=1", "no_such_option")]
    [InlineData("postgres://u:hunter2@host/db?sslmode=sometimes", "sslmode")]
    [InlineData("postgres://u@host/db?password=hunter2&port=x", "port")]
    [InlineData("Host=h;Password=hunter2;No Such Keyword=1", "no such keyword")]
    [InlineData("Host=h;Password=hunter2;Port=eighty", "key=value")]
    public void Parse_Malformed_SaysWhatIsWrongWithoutThePassword(string connectionString, string named)
    {
        var error = Assert.Throws<ArgumentException>(() => PostgresConnectionString.Parse(connectionString));

        Assert.Contains(named, error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("hunter2", error.ToString(), StringComparison.Ordinal);
    }
}
