using Microsoft.Data.Sqlite;
using SQLitePCL;
using Syncplane.Storage.Sqlite;

namespace Syncplane.Tests.Storage;

/// <summary>The bulk paths' direct reads of a row's columns give each SQLite type back as it was stored.</summary>
public sealed class SqliteNativeTests
{
    [Fact]
    public async Task Column_ReadsEveryStorageClass_AsStored()
    {
        await using var connection = new SqliteConnection("Data Source=:memory:");
        await connection.OpenAsync();
        using var statement = SqliteNative.Prepare(connection.Handle!,
            "SELECT 9007199254740993, -2.5, 'héllo ✓ 𝄞 ' || char(0) || 'after', '', x'00ff10', x'', NULL, 42");

        Assert.True(SqliteNative.Row(connection.Handle!, statement));
        Assert.Equal(9007199254740993L, SqliteNative.Column(statement, 0));
        Assert.Equal(-2.5, SqliteNative.Column(statement, 1));
        Assert.Equal("héllo ✓ 𝄞 \0after", SqliteNative.Column(statement, 2)); // by its length, not up to a NUL
        Assert.Equal("", SqliteNative.Column(statement, 3));
        Assert.Equal(new byte[] { 0x00, 0xff, 0x10 }, SqliteNative.Column(statement, 4));
        Assert.Equal(Array.Empty<byte>(), SqliteNative.Column(statement, 5));
        Assert.Null(SqliteNative.Column(statement, 6));
        Assert.Null(SqliteNative.Int64OrNull(statement, 6));
        Assert.Equal(42L, SqliteNative.Int64OrNull(statement, 7));
        Assert.False(SqliteNative.Row(connection.Handle!, statement));
    }

    [Fact]
    public async Task Row_OnAFailingStatement_RaisesSqliteError()
    {
        await using var connection = new SqliteConnection("Data Source=:memory:");
        await connection.OpenAsync();
        using var statement = SqliteNative.Prepare(connection.Handle!, "SELECT abs(-9223372036854775808)"); // integer overflow at run time

        var error = Assert.Throws<SqliteException>(() => SqliteNative.Row(connection.Handle!, statement));
        Assert.Contains("integer overflow", error.Message, StringComparison.Ordinal);
        Assert.Equal(raw.SQLITE_ERROR, error.SqliteErrorCode);
    }
}
