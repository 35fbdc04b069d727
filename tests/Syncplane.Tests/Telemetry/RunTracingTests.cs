using Syncplane.Storage.Postgres;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Telemetry;

/// <summary>A run's span and its phase spans, linked to the webhook delivery that queued it (issue 12).</summary>
public sealed class RunTracingTests
{
    [Fact]
    public async Task AWebhookRun_IsOneRunSpanWithItsPhaseSpans_LinkedToTheWebhookSpan()
    {
        using var traced = new TracedRun();
        await using var server = await TestServer.StartAsync(TracedRun.Yaml, files: TracedRun.Files);
        using var client = server.Client();

        var runId = await traced.TriggerAsync(client, server.Store);

        traced.AssertRunTrace(runId);
    }
}

/// <summary>The same trace when the delivery reaches one node and another node's worker runs it: the link travels in the store.</summary>
public sealed class PostgresRunTracingTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task ARunQueuedOnOneNodeAndRunOnAnother_LinksToTheWebhookSpanOfTheFirst()
    {
        using var traced = new TracedRun();
        var connectionString = database.CreateSchema();
        await using var intake = await TestServer.StartAsync(TracedRun.Yaml, t => new PostgresSyncStore(connectionString, t), workers: false, files: TracedRun.Files);
        await using var worker = await TestServer.StartAsync(TracedRun.Yaml, t => new PostgresSyncStore(connectionString, t), workers: true, files: TracedRun.Files);
        using var client = intake.Client();

        var runId = await traced.TriggerAsync(client, intake.Store);

        traced.AssertRunTrace(runId);
    }
}
