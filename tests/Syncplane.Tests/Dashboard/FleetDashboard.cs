using System.Text;
using Syncplane.Engine;
using Syncplane.Planning;
using Syncplane.Storage;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Dashboard;

/// <summary>
/// A fleet for the dashboard tests: 25 quick targets in two layers, a target that requires a check that is down,
/// one whose runs last until the test releases them (<see cref="ReleaseSlow"/>), one that fails with a long error; and
/// runs written straight to the store (as a worker would).
/// </summary>
internal static class FleetDashboard
{
    public const int Quick = 25;

    public const string LongError =
        "upstream answered 502 Bad Gateway while listing /v2/projects/acme/assets?page_token=… " +
        "the connection was reset by peer after 30 s; the proxy in front of the API (envoy) reported upstream_reset_before_response_started{connection_termination} " +
        "and the retry budget of the client was exhausted; see the upstream's status page and try again later, or raise the timeout of this target " +
        "if the listing is simply slow: it returned 48,000 assets yesterday and takes about 25 s on a good day";

    public static string Name(int i) => $"t{i:00}";

    public static string Yaml()
    {
        var yaml = new StringBuilder("targets:\n");
        for (var i = 1; i <= Quick; i++)
        {
            yaml.Append($"  {Name(i)}: {{ entrypoint: \"true\", layer: {(i % 2 == 0 ? "git" : "api")} }}\n");
        }

        yaml.Append("""
              gated: { entrypoint: "true", requires: [gate], layer: api }
              slow: { entrypoint: "echo first line; until [ -e release ]; do sleep 0.1; done; printf 'second %s\\n' line", layer: events }
              long-error: { entrypoint: "false", retry: { attempts: 1 } }
            checks:
              gate: { http: "http://127.0.0.1:9/", timeout: 2s, section: Gates, display_name: The gate }

            """);
        return yaml.ToString();
    }

    /// <summary>Lets runs of <c>slow</c> finish (they wait for a file named release in the config's directory); false holds them again.</summary>
    public static void ReleaseSlow(TestServer server, bool release)
    {
        var file = server.Directory.Combine("release");
        if (release)
        {
            File.WriteAllText(file, "");
        }
        else
        {
            File.Delete(file);
        }
    }

    /// <summary>Records a finished run of <paramref name="target"/> as a worker would (with its events).</summary>
    public static async Task<long> RunAsync(ISyncStore store, string target, RunStatus status, string message = "done", PlanSummary? summary = null, params LogLine[] log)
    {
        var id = await store.StartRunAsync(new NewRun(target, "api", "pull", false), CancellationToken.None);
        if (log.Length > 0)
        {
            await store.AppendLogAsync(id, log, CancellationToken.None);
        }

        await store.CompleteRunAsync(id, new RunCompletion { Status = status, Message = message, Summary = summary }, CancellationToken.None);
        return id;
    }
}
