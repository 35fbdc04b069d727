using Syncplane.Config;
using Syncplane.Connectors.Http;

namespace Syncplane.Tests.Connectors.Http;

/// <summary>Validation of <c>source: { http: … }</c>, as <c>syncplane validate</c> runs it.</summary>
public sealed class HttpSourceOptionsBinderTests
{
    [Fact]
    public void Load_FullOptions_BindsEveryField()
    {
        var config = Load("""{ url: "https://ads.example.com/v1/insights", headers: { Authorization: "Bearer ${env:ADS_TOKEN}" }, records: data, key: [campaign_id, date], next: paging.next }""");

        var options = (HttpSourceOptions)config.Targets.Single().Source!.Options;
        Assert.Equal(new Uri("https://ads.example.com/v1/insights"), options.Url);
        Assert.Equal(["campaign_id", "date"], options.Key);
        Assert.Equal(("data", "paging.next"), (options.Records, options.Next));
        Assert.Equal("Bearer ${env:ADS_TOKEN}", options.Headers["Authorization"]);
    }

    [Theory]
    [InlineData("{ key: [id] }", "missing required key 'url'")]
    [InlineData("{ url: https://x.example/a }", "missing required key 'key'")]
    [InlineData("{ url: https://x.example/a, key: [] }", "'key' must list one or more distinct, non-empty record field names")]
    [InlineData("{ url: https://x.example/a, key: [id, id] }", "'key' must list one or more distinct")]
    [InlineData("{ url: ftp://x.example/a, key: [id] }", "'url' must be an absolute http:// or https:// URL, found 'ftp://x.example/a'")]
    [InlineData("{ url: \"https://x.example/a?token=${env:T}\", key: [id] }", "'url' must not contain secret references")]
    [InlineData("{ url: \"https://u:p@x.example/a\", key: [id] }", "'url' must not embed credentials")]
    [InlineData("{ url: https://x.example/a, key: [id], next: paging..next }", "'next' must be a dotted path of field names")]
    [InlineData("{ url: https://x.example/a, key: [id], headers: { X-Key: \"${env:}\" } }", "header 'X-Key': '${env:}' is not a secret reference")]
    [InlineData("{ url: https://x.example/a, key: [id], method: POST }", "unknown key 'method' in the http connector")]
    public void Load_BadOptions_FailsWithAClearMessageAtTheOption(string source, string message)
    {
        var error = Assert.Throws<ConfigException>(() => Load(source));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Contains("syncplane.yaml:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_HttpAsDestination_IsRefused()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Default.Parse("""
            targets:
              t:
                source: { directory: { path: a } }
                destination: { http: { url: "https://x.example/a", key: [id] } }
            """, "/work/cfg/syncplane.yaml"));

        Assert.Contains("http", error.Message, StringComparison.Ordinal);
    }

    private static SyncplaneConfig Load(string source) => ConfigLoader.Default.Parse($$"""
        targets:
          ads:
            source: { http: {{source}} }
            destination: { directory: { path: out } }
        """, "/work/cfg/syncplane.yaml");
}
