using Syncplane.Storage;

namespace Syncplane.Tests.Engine.TwoWay;

/// <summary>
/// Every row of the decision table in docs/bidirectional.md, on real folders through the real engine: each row starts
/// from a synced pair (a resync), edits one or both sides, runs once and checks both sides, then that a rerun has
/// nothing to do. A row is one line of <see cref="Rows"/>; edits are <c>a+key=content@minutes</c> (write a file on
/// side a with that mtime), <c>b-key</c> (delete a file) and <c>a-dir/</c> (delete a directory and what it holds).
/// </summary>
public sealed class DecisionTableTests
{
    private static readonly Dictionary<string, Row> Table = new Row[]
    {
        new("new on each side: copied to the other", ["keep.txt=k"], ["a+from-a.txt=A@5", "b+sub/from-b.txt=B@5"],
            ["from-a.txt=A", "keep.txt=k", "sub/", "sub/from-b.txt=B"]),
        new("changed on the source: overwrites the destination", ["doc.txt=v1", "keep.txt=k"], ["a+doc.txt=v2 longer@5"], ["doc.txt=v2 longer", "keep.txt=k"]),
        new("changed on the destination: overwrites the source", ["doc.txt=v1", "keep.txt=k"], ["b+doc.txt=v2 longer@5"], ["doc.txt=v2 longer", "keep.txt=k"]),
        new("deleted on the source: deleted on the destination", ["gone.txt=g", "dir/gone.txt=g", "keep.txt=k"], ["a-gone.txt", "a-dir/"], ["keep.txt=k"]),
        new("deleted on the destination: deleted on the source", ["gone.txt=g", "dir/gone.txt=g", "keep.txt=k"], ["b-gone.txt", "b-dir/"], ["keep.txt=k"]),
        new("changed on the source, deleted on the destination: the change wins", ["doc.txt=v1", "keep.txt=k"], ["a+doc.txt=v2@5", "b-doc.txt"], ["doc.txt=v2", "keep.txt=k"]),
        new("changed on the destination, deleted on the source: the change wins", ["doc.txt=v1", "keep.txt=k"], ["b+doc.txt=v2@5", "a-doc.txt"], ["doc.txt=v2", "keep.txt=k"]),
        new("deleted on both: nothing", ["doc.txt=v1", "keep.txt=k"], ["a-doc.txt", "b-doc.txt"], ["keep.txt=k"]) { NoWrites = true },
        new("changed on both to the same content: nothing", ["doc.txt=v1"], ["a+doc.txt=same@5", "b+doc.txt=same@9"], ["doc.txt=same"]) { NoWrites = true },
        new("changed on both differently: a conflict that keeps both", ["notes.md=v1"], ["a+notes.md=from a@5", "b+notes.md=from b, later@9"],
            [$"{TwoWayBed.ConflictName("notes.md", "a", 5)}=from a", "notes.md=from b, later"]) { Conflict = "keep-both" },
        new("new on both with the same content: nothing", ["keep.txt=k"], ["a+twin.txt=same@5", "b+twin.txt=same@7"], ["keep.txt=k", "twin.txt=same"]) { NoWrites = true },
        new("new on both with different content: a conflict", ["keep.txt=k"], ["a+twin.txt=newer@9", "b+twin.txt=older@5"],
            ["keep.txt=k", $"{TwoWayBed.ConflictName("twin.txt", "b", 5)}=older", "twin.txt=newer"]) { Conflict = "keep-both" },
        new("file turned into a directory on the source: one on the destination too", ["thing=a file", "keep.txt=k"], ["a-thing", "a+thing/inside.txt=in@5"],
            ["keep.txt=k", "thing/", "thing/inside.txt=in"]),
        new("file turned into a directory on the destination: one on the source too", ["thing=a file", "keep.txt=k"], ["b-thing", "b+thing/inside.txt=in@5"],
            ["keep.txt=k", "thing/", "thing/inside.txt=in"]),
        new("directory turned into a file on the source: one on the destination too", ["thing/inside.txt=in", "keep.txt=k"], ["a-thing/", "a+thing=a file now@5"],
            ["keep.txt=k", "thing=a file now"]),
        new("directory turned into a file on the destination: one on the source too", ["thing/inside.txt=in", "keep.txt=k"], ["b-thing/", "b+thing=a file now@5"],
            ["keep.txt=k", "thing=a file now"]),
        new("file changed on one side, replaced by a directory on the other: the directory keeps the name", ["thing=v1"], ["a+thing=v2@5", "b-thing", "b+thing/inside.txt=in@6"],
            [$"{TwoWayBed.ConflictName("thing", "a", 5)}=v2", "thing/", "thing/inside.txt=in"]) { Conflict = "directory keeps the name" },
        new("directory deleted on one side while the other added to it: back with the new file only", ["dir/old.txt=old", "keep.txt=k"], ["a-dir/", "b+dir/new.txt=new@5"],
            ["dir/", "dir/new.txt=new", "keep.txt=k"]),
        new("names that sort differently by ordinal, culture and UTF-8 order: each edit goes to its own name",
            ["a.b=1", "a-b=2", "a/b=3", "B.txt=4", "\u00e9.txt=5", "\U0001F600.txt=6", "\uE000.txt=7", "e\u0301.txt=8", "Z.txt=9"],
            ["a-a.b", "b+a/b=33@5", "a+\U0001F600.txt=66@5", "b-\uE000.txt", "a+\u00e9.txt=55@5", "b-e\u0301.txt"],
            ["a-b=2", "a/", "a/b=33", "B.txt=4", "\u00e9.txt=55", "\U0001F600.txt=66", "Z.txt=9"]),
    }.ToDictionary(r => r.Name, StringComparer.Ordinal);

    public static TheoryData<string> Rows => [.. Table.Keys];

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task EachRow_EndsWithBothSidesAsTheTableSays(string row)
    {
        var (_, synced, edits, expected) = Table[row];
        await using var bed = await TwoWayBed.SyncedAsync("", [.. synced.Select(f => (f[..f.IndexOf('=', StringComparison.Ordinal)], f[(f.IndexOf('=', StringComparison.Ordinal) + 1)..]))]);
        foreach (var edit in edits)
        {
            Apply(bed, edit);
        }

        var run = await bed.RunAsync();

        Assert.True(run.Status == RunStatus.Succeeded, run.Message);
        if (Table[row].NoWrites)
        {
            Assert.Empty(run.Plan!.Changes);
        }

        var conflicts = run.Plan!.TwoWay!.Conflicts;
        if (Table[row].Conflict is { } resolution)
        {
            Assert.Contains(resolution, Assert.Single(conflicts).Resolution, StringComparison.Ordinal);
        }
        else
        {
            Assert.Empty(conflicts);
        }

        await bed.AssertBothAsync(expected);
    }

    [Fact]
    public async Task ChangedOnBothToTheSameContent_KeepsEachSidesMtime()
    {
        await using var bed = await TwoWayBed.SyncedAsync("", ("doc.txt", "v1"));
        bed.Write("a", "doc.txt", "same", minutes: 5);
        bed.Write("b", "doc.txt", "same", minutes: 9);

        await bed.RunAsync();

        Assert.Equal(new DateTime(2026, 1, 1, 12, 9, 0, DateTimeKind.Utc), File.GetLastWriteTimeUtc(bed.Path("b", "doc.txt")));
    }

    [Fact]
    public async Task AConflictCopy_IsNamedAfterItsSideAndMtime()
    {
        await using var bed = await TwoWayBed.SyncedAsync("", ("notes.md", "v1"));
        bed.Write("a", "notes.md", "from a", minutes: 5);
        bed.Write("b", "notes.md", "from b, later", minutes: 9);

        var run = await bed.RunAsync();

        Assert.Matches(@"^notes\.conflict-source-20260101T120500Z\.md$", Assert.Single(run.Plan!.TwoWay!.Conflicts).KeptAs);
    }

    private static void Apply(TwoWayBed bed, string edit)
    {
        var side = edit[..1];
        var rest = edit[2..];
        if (edit[1] == '+')
        {
            var at = rest.LastIndexOf('@');
            var eq = rest.IndexOf('=', StringComparison.Ordinal);
            bed.Write(side, rest[..eq], rest[(eq + 1)..at], minutes: int.Parse(rest[(at + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        }
        else if (rest.EndsWith('/'))
        {
            Directory.Delete(bed.Path(side, rest.TrimEnd('/')), recursive: true);
        }
        else
        {
            File.Delete(bed.Path(side, rest));
        }
    }

    /// <param name="Name">The row, as the test case's name.</param>
    /// <param name="Synced">Files (<c>key=content</c>) both sides hold after the resync.</param>
    /// <param name="Edits">What happens to each side before the run.</param>
    /// <param name="Expected">Both sides after the run (<c>dir/</c>, <c>key=content</c>).</param>
    private sealed record Row(string Name, string[] Synced, string[] Edits, string[] Expected)
    {
        /// <summary>The plan writes nothing at all.</summary>
        public bool NoWrites { get; init; }

        /// <summary>The run has exactly one conflict, whose resolution says this; null: no conflict.</summary>
        public string? Conflict { get; init; }
    }
}
