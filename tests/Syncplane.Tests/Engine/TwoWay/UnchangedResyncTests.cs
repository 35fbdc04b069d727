using Microsoft.Data.Sqlite;
using Syncplane.Connectors.Directory;
using Syncplane.Storage;

namespace Syncplane.Tests.Engine.TwoWay;

public sealed class UnchangedResyncTests
{
    [Fact]
    public async Task AReSyncOfUnchangedFilesWithNanosecondTimes_LeavesTheStoredListingAsItWas()
    {
        await using var bed = await TwoWayBed.CreateAsync();
        bed.Write("a", "x.txt", "x", minutes: 0);
        bed.Write("a", "dir/y.txt", "y", minutes: 0);
        var stamp = new MtimeStamp(new DateTime(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc).Ticks + 1234567, 89); // .123456789 s
        FileSystemOps.SetMtime(bed.Path("a", "x.txt"), stamp);
        FileSystemOps.SetMtime(bed.Path("a", "dir/y.txt"), stamp);
        var first = await bed.RunAsync(resync: true);
        Assert.True(first.Status == RunStatus.Succeeded, first.Message);
        SetSavedAt(bed, "untouched");

        var again = await bed.RunAsync();

        Assert.True(again.Status == RunStatus.Succeeded && again.Plan!.Changes.Count == 0, again.Message);
        Assert.Equal("untouched", SavedAt(bed)); // an unchanged re-sync writes no listing
    }

    private static void SetSavedAt(TwoWayBed bed, string value)
    {
        using var connection = Open(bed);
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE listings SET saved_at = $value";
        command.Parameters.AddWithValue("$value", value);
        Assert.Equal(1, command.ExecuteNonQuery());
    }

    private static object? SavedAt(TwoWayBed bed)
    {
        using var connection = Open(bed);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT saved_at FROM listings";
        return command.ExecuteScalar();
    }

    private static SqliteConnection Open(TwoWayBed bed)
    {
        var connection = new SqliteConnection($"Data Source={bed.Dir.Combine(".syncplane", "syncplane.db")};Pooling=False");
        connection.Open();
        return connection;
    }
}
