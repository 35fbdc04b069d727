using Syncplane.Checks;

namespace Syncplane.Tests.Storage;

public abstract partial class SyncStoreContractTests
{
    private CheckResult Result(string name, CheckStatus status, string message = "ok") => new()
    {
        Name = name,
        Kind = "http",
        Status = status,
        LatencyMs = 234,
        Message = message,
        Details = new Dictionary<string, string> { ["status_code"] = "200", ["cert_subject"] = "CN=api.github.com, O=\"GitHub, Inc.\"" },
        CheckedAt = Time.UtcNow,
    };

    [Fact]
    public async Task RecordCheckResultAsync_RoundTripsEveryField()
    {
        var result = Result("github-api", CheckStatus.Degraded, "HTTP 200 OK (slow: 734 ms, over 500ms)");

        await Store.RecordCheckResultAsync(result, Ct);
        var read = Assert.Single(await Open().ListCheckResultsAsync("github-api", null, 10, Ct));

        Assert.Equal(result with { Details = read.Details }, read);
        Assert.Equal(result.Details, read.Details);
    }

    [Fact]
    public async Task ListLatestCheckResultsAsync_NewestPerCheck_ByName()
    {
        await Store.RecordCheckResultAsync(Result("repo", CheckStatus.Healthy), Ct);
        await Store.RecordCheckResultAsync(Result("api", CheckStatus.Healthy), Ct);
        Time.Advance(TimeSpan.FromMinutes(1));
        await Store.RecordCheckResultAsync(Result("repo", CheckStatus.Down, "diverged"), Ct);

        var latest = await Store.ListLatestCheckResultsAsync(Ct);

        Assert.Equal([("api", CheckStatus.Healthy), ("repo", CheckStatus.Down)], latest.Select(r => (r.Name, r.Status)));
        Assert.Equal(Time.UtcNow, latest[1].CheckedAt);
    }

    [Fact]
    public async Task ListCheckResultsAsync_NewestFirst_WithinLimitAndSince()
    {
        var start = Time.UtcNow;
        for (var i = 0; i < 5; i++)
        {
            await Store.RecordCheckResultAsync(Result("api", CheckStatus.Healthy, $"run {i}"), Ct);
            await Store.RecordCheckResultAsync(Result("other", CheckStatus.Down), Ct);
            Time.Advance(TimeSpan.FromMinutes(1));
        }

        var newest = await Store.ListCheckResultsAsync("api", null, 2, Ct);
        var since = await Store.ListCheckResultsAsync("api", start.AddMinutes(3), 10, Ct);

        Assert.Equal(["run 4", "run 3"], newest.Select(r => r.Message));
        Assert.Equal(["run 4", "run 3"], since.Select(r => r.Message));
        Assert.Empty(await Store.ListCheckResultsAsync("missing", null, 10, Ct));
    }
}
