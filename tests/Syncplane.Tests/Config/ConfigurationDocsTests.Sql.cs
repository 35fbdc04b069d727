using System.Text.RegularExpressions;
using Syncplane.Connectors.Sql;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Config;

public partial class ConfigurationDocsTests
{
    [Fact]
    public void SqlDestinationExample_Loads()
    {
        var text = File.ReadAllText(RepositoryPaths.Combine("docs", "configuration.md"));
        var start = text.IndexOf("\n### `sql` (destination)\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "no sql destination section");
        var yaml = YamlBlock().Match(text[start..]).Groups[1].Value;

        var target = Parse(yaml).Targets.Single();

        var sql = Assert.IsType<SqlDestinationOptions>(target.Destination!.Options);
        Assert.Equal("${env:METRICS_DB}", sql.Connection);
        Assert.Equal("ad_metrics", sql.Table.ToString());
        Assert.Equal(["spend", "impressions", "clicks"], sql.Compare);
        Assert.Equal(ColumnKind.Integer, sql.Columns["clicks"]);
        Assert.Equal(ColumnKind.Date, sql.Columns["date_start"]);
        Assert.False(sql.Delete);
        Assert.False(sql.StrictSchema);
        Assert.Equal(["campaign_id", "date_start"], Assert.IsType<Syncplane.Connectors.Http.HttpSourceOptions>(target.Source!.Options).Key);
    }

    [Theory]
    [InlineData("table: \"ad-metrics\"", "'table' must be a name such as ad_metrics")]
    [InlineData("columns: { spend: money }", "column type 'money' of 'spend' is not one of: text, numeric, integer, boolean, date, timestamp, json")]
    [InlineData("schema: loose", "'schema' must be 'evolve'")]
    [InlineData("compare: []", "'compare' must list one or more distinct field names")]
    public void SqlDestination_BadOptions_AreNamed(string line, string message)
    {
        var error = Assert.Throws<Syncplane.Config.ConfigException>(() => Parse($$"""
            targets:
              t:
                source: { http: { url: "https://example.com/a", key: [id] } }
                destination:
                  sql:
                    connection: metrics.db
                    {{(line.StartsWith("table", StringComparison.Ordinal) ? line : "table: ad_metrics\n        " + line)}}
            """));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SqlDestination_FromADirectorySource_IsRefused()
    {
        var error = Assert.Throws<Syncplane.Config.ConfigException>(() => Parse("""
            targets:
              t:
                source: { directory: { path: data } }
                destination: { sql: { connection: metrics.db, table: t } }
            """));

        Assert.Contains("the sql destination stores records; its source must be one that reads records (http, gcp_assets), not directory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SqlDestination_RelativeSqlitePath_IsResolvedAgainstTheConfigDirectory()
    {
        var sql = (SqlDestinationOptions)Parse("""
            targets:
              t:
                source: { http: { url: "https://example.com/a", key: [id] } }
                destination: { sql: { connection: data/metrics.db, table: t } }
            """).Targets.Single().Destination!.Options;

        Assert.Equal("/work/cfg/data/metrics.db", sql.Connection);
    }
}
