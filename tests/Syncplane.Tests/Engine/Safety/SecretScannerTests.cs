using System.Text;
using Syncplane.Engine.Safety;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Engine.Safety;

public sealed class SecretScannerTests : IDisposable
{
    private static readonly string[] SeedPatterns = ["NOTION_API_TOKEN", "NOTION_.*_DB_ID", "GITHUB_TOKEN", "SUPABASE_.*KEY", "password", "secret"];
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ScanFilesAsync_MatchingLines_ReportKeyLineAndPatternButNeverTheText()
    {
        var path = _dir.Write("docs/runtime/ENV_VARS.prod.txt", "HOST=db\nnotion_finance_db_id=abc123\nPORT=5432\nDB_PASSWORD=s3cr3t-value\n");
        var scanner = new SecretScanner(SeedPatterns);

        var result = await scanner.ScanFilesAsync([new ScanFile(path, "docs/runtime/ENV_VARS.prod.txt")], CancellationToken.None);

        Assert.Equal(
            ["docs/runtime/ENV_VARS.prod.txt:2: matches secret pattern 'NOTION_.*_DB_ID'", "docs/runtime/ENV_VARS.prod.txt:4: matches secret pattern 'password'"],
            result.Findings.Select(f => f.ToString()));
        var gate = result.ToGate();
        Assert.False(gate.Passed);
        Assert.Equal("secret scan", gate.Gate);
        Assert.DoesNotContain("s3cr3t-value", gate.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("abc123", gate.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScanFilesAsync_CleanFiles_Pass()
    {
        var path = _dir.Write("apps.json", "{\"apps\": [\"web\", \"worker\"]}\n");

        var result = await new SecretScanner(SeedPatterns).ScanFilesAsync([new ScanFile(path, "apps.json")], CancellationToken.None);

        Assert.Empty(result.Findings);
        Assert.True(result.ToGate().Passed);
        Assert.Equal(1, result.Scanned);
    }

    [Fact]
    public async Task ScanFilesAsync_BinaryFile_IsSkippedNotScanned()
    {
        var path = _dir["blob.bin"];
        File.WriteAllBytes(path, [.. Encoding.UTF8.GetBytes("password="), 0, 1, 2]);

        var result = await new SecretScanner(SeedPatterns).ScanFilesAsync([new ScanFile(path, "blob.bin")], CancellationToken.None);

        Assert.Empty(result.Findings);
        Assert.Equal(["blob.bin"], result.Skipped);
        Assert.Contains("1 binary or oversized", result.ToGate().Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScanFilesAsync_FileOverSizeCap_IsSkipped()
    {
        var path = _dir["big.txt"];
        await using (var file = File.Create(path))
        {
            file.Write(Encoding.UTF8.GetBytes("password=x\n"));
            file.SetLength(SecretScanner.MaxContentBytes + 1);
        }

        var result = await new SecretScanner(SeedPatterns).ScanFilesAsync([new ScanFile(path, "big.txt")], CancellationToken.None);

        Assert.Empty(result.Findings);
        Assert.Equal(["big.txt"], result.Skipped);
    }

    [Fact]
    public async Task ScanAsync_NonSeekableStream_ScansContent()
    {
        var bytes = Encoding.UTF8.GetBytes("line one\nexport GITHUB_TOKEN=ghp_x\n");
        await using var stream = new NonSeekableStream(bytes);

        var findings = await new SecretScanner(SeedPatterns).ScanAsync("records/1.json", stream, CancellationToken.None);

        Assert.NotNull(findings);
        Assert.Equal("records/1.json:2: matches secret pattern 'GITHUB_TOKEN'", Assert.Single(findings).ToString());
    }

    [Fact]
    public void ScanText_PatternsAreCaseInsensitive_AndEachLineReportedOnce()
    {
        var findings = new SecretScanner(["password", "pass"]).ScanText("k", "PassWord: x\nok\n");

        Assert.Equal("k:1: matches secret pattern 'password'", Assert.Single(findings).ToString());
    }

    [Fact]
    public void ScanText_ManyMatches_StopsAtMaxFindings()
    {
        var text = string.Concat(Enumerable.Repeat("secret\n", 50));

        var findings = new SecretScanner(["secret"], maxFindings: 5).ScanText("k", text);

        Assert.Equal(5, findings.Count);
    }

    [Theory]
    [InlineData("NOTION_.*_DB_ID", true)]
    [InlineData("(unclosed", false)]
    public void PatternError_ReportsInvalidRegex(string pattern, bool valid) =>
        Assert.Equal(valid, SecretScanner.PatternError(pattern) is null);

    private sealed class NonSeekableStream(byte[] content) : MemoryStream(content)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();
    }
}
