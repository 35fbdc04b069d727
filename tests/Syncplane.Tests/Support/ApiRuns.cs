using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Syncplane.Access;

namespace Syncplane.Tests.Support;

/// <summary>Runs through a test server's API, as an operator would start them.</summary>
internal static class ApiRuns
{
    /// <summary>Queues a run of <paramref name="target"/> and waits until it has ended; returns the run as the API shows it.</summary>
    public static async Task<JsonElement> SyncAndWaitAsync(TestServer server, string target, TimeSpan limit)
    {
        using var operatorClient = server.Client(ApiRole.Operator);
        var queued = await (await operatorClient.PostAsync($"/api/v1/targets/{target}/sync", null)).Content.ReadFromJsonAsync<JsonElement>();
        var id = queued.GetProperty("run_id").GetInt64();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var run = await operatorClient.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{id}");
            if (run.GetProperty("status").GetString() is not ("queued" or "running"))
            {
                return run;
            }

            Assert.True(clock.Elapsed < limit, $"run {id} never finished: {run}");
            await Task.Delay(50);
        }
    }
}
