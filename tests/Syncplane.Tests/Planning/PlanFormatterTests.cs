using System.Text.Json;
using Syncplane.Planning;

namespace Syncplane.Tests.Planning;

public class PlanFormatterTests
{
    private static Plan Sample() => new(
        [
            new Change(ChangeKind.Delete, "gone.txt", null, new Item("gone.txt", ItemKind.File, 1, 1)),
            new Change(ChangeKind.Create, "docs", new Item("docs", ItemKind.Directory, 0, 1), null),
            new Change(ChangeKind.Create, "docs/a.md", new Item("docs/a.md", ItemKind.File, 2048, 1), null),
            new Change(ChangeKind.Update, "b.md", new Item("b.md", ItemKind.File, 3, 2), new Item("b.md", ItemKind.File, 3, 1), ContentChanged: false),
        ],
        new PlanSummary(2, 1, 1, 7, 2048));

    [Fact]
    public void ToText_ListsChangesAndTotals()
    {
        var text = PlanFormatter.ToText(Sample());
        Assert.Equal(
            "- gone.txt\n+ docs/\n+ docs/a.md\n~ b.md (metadata)\n2 to create, 1 to update, 1 to delete, 7 unchanged, 2 KiB to write\n",
            text);
    }

    [Fact]
    public void ToText_MoreChangesThanLines_SaysHowManyMore()
    {
        var text = PlanFormatter.ToText(Sample(), maxLines: 1);
        Assert.StartsWith("- gone.txt\n… and 3 more\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ToJson_UsesSnakeCaseAndKeyArrays()
    {
        using var json = JsonDocument.Parse(PlanFormatter.ToJson(Sample()));
        var root = json.RootElement;
        Assert.Equal(["docs", "docs/a.md"], root.GetProperty("creates").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("b.md", root.GetProperty("updates")[0].GetString());
        Assert.Equal("gone.txt", root.GetProperty("deletes")[0].GetString());
        var summary = root.GetProperty("summary");
        Assert.Equal(2048, summary.GetProperty("bytes_to_write").GetInt64());
        Assert.Equal(7, summary.GetProperty("unchanged").GetInt32());
        Assert.Equal(4, summary.GetProperty("total").GetInt32());
    }
}
