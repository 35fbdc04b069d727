using System.Text;
using Syncplane.Connectors.Sql;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Connectors.Sql;

public sealed class RecordSpoolTests
{
    [Fact]
    public async Task ManyRecords_SpilledInSortedRuns_ComeBackInKeyThenSourceOrder_AndTheFilesGoAway()
    {
        using var dir = new TempDirectory();
        var random = new Random(7);
        var keys = Enumerable.Range(0, 1000).Select(_ => $"k{random.Next(300):D3}").ToList();
        await using (var spool = new RecordSpool(dir.Path, runLength: 64))
        {
            for (var i = 0; i < keys.Count; i++)
            {
                spool.Add([keys[i]], i, Encoding.UTF8.GetBytes($"{{\"n\":{i}}}"), page: i / 10, index: i % 10 + 1);
            }

            Assert.NotEmpty(System.IO.Directory.GetFiles(dir.Path));
            var sorted = spool.ReadSorted().ToList();

            var expected = keys.Select((k, i) => (Key: k, Sequence: (long)i)).OrderBy(r => r.Key, StringComparer.Ordinal).ThenBy(r => r.Sequence).ToList();
            Assert.Equal(expected, sorted.Select(r => ((string)r.Key[0]!, r.Sequence)));
            Assert.All(sorted, r => Assert.Equal($"{{\"n\":{r.Sequence}}}", Encoding.UTF8.GetString(r.Json.Span)));
            Assert.All(sorted, r => Assert.Equal((r.Hash, r.Hash / 10, r.Hash % 10 + 1), (r.Sequence, (long)r.Page, (long)r.Index)));
        }

        Assert.Empty(System.IO.Directory.GetFiles(dir.Path));
    }

    [Fact]
    public async Task RecordsArrivingInKeyOrder_AcrossRuns_ComeBackInThatOrder()
    {
        using var dir = new TempDirectory();
        await using var spool = new RecordSpool(dir.Path, runLength: 10);
        for (var i = 0; i < 95; i++)
        {
            spool.Add([$"k{i / 2:D3}"], i, Encoding.UTF8.GetBytes($"{i}"), page: 0, index: i + 1);
        }

        var sorted = spool.ReadSorted().ToList();

        Assert.Equal(Enumerable.Range(0, 95).Select(i => ($"k{i / 2:D3}", (long)i, $"{i}")), sorted.Select(r => ((string)r.Key[0]!, r.Sequence, Encoding.UTF8.GetString(r.Json.Span))));
    }

    [Fact]
    public void KeyOrder_SortsTextByItsUtf8Bytes_NotByUtf16CodeUnits()
    {
        string[] texts = ["a", "B", "é", "e", "\uFFFD", "\uE000", "😀", "𝄞", "ab", "a", "", "\u00FF", "z"];
        foreach (var a in texts)
        {
            foreach (var b in texts)
            {
                var bytes = Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b));
                Assert.Equal(Math.Sign(bytes), Math.Sign(KeyOrder.Compare([a], [b])));
            }
        }

        Assert.True(string.CompareOrdinal("😀", "\uFFFD") < 0); // the order the sql destination must not use
    }
}
