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
    [InlineData("{ url: https://x.example/a, key: [id], verb: POST }", "unknown key 'verb' in the http connector")]
    [InlineData("{ url: https://x.example/a, key: [id], method: PUT }", "'method' must be GET or POST, found 'PUT'")]
    [InlineData("{ url: https://x.example/a, key: [id], body: { query: q } }", "'body' is sent only with method: POST")]
    [InlineData("{ url: https://x.example/a, key: [id], method: POST, body: [q] }", "'body' must be a mapping (sent as a JSON object), found a list")]
    [InlineData("{ url: https://x.example/a, key: [id], method: POST, body: { q: { x: \"${env:}\" } } }", "'body.q.x': '${env:}' is not a secret reference")]
    [InlineData("{ url: https://x.example/a, key: [id], next_token: nextPageToken }", "'next_token' (where the response holds the next page's token) and 'token_param' (the parameter that carries it, such as pageToken) go together")]
    [InlineData("{ url: https://x.example/a, key: [id], next: paging.next, next_token: t, token_param: pageToken }", "set either 'next' (a URL to follow) or 'next_token' (a token to send back), not both")]
    [InlineData("{ url: https://x.example/a, key: [id], next_token: \"a..b\", token_param: pageToken }", "'next_token' must be a dotted path of field names")]
    public void Load_BadOptions_FailsWithAClearMessageAtTheOption(string source, string message)
    {
        var error = Assert.Throws<ConfigException>(() => Load(source));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Contains("syncplane.yaml:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_PostWithBodyAndPageToken_KeepsTypesAndSecretReferences()
    {
        var config = Load("""{ url: "https://x.example/v1:search", method: post, key: [campaign.id, segments.date], records: results, next_token: nextPageToken, token_param: pageToken, """
            + """body: { query: "SELECT campaign.id FROM campaign", pageSize: 100, validateOnly: false, quoted: "10", secret: "k=${env:ADS_KEY}", list: [1, x, null] } }""");

        var options = (HttpSourceOptions)config.Targets.Single().Source!.Options;
        Assert.Equal(HttpMethod.Post, options.Method);
        Assert.Equal(("nextPageToken", "pageToken"), (options.NextToken, options.TokenParam));
        Assert.Equal("""{"query":"SELECT campaign.id FROM campaign","pageSize":100,"validateOnly":false,"quoted":"10","secret":"k=${env:ADS_KEY}","list":[1,"x",null]}""", options.Body!.ToJsonString());
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
