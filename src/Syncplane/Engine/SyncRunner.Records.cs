using Syncplane.Config;
using Syncplane.Connectors;
using Syncplane.Planning;
using Syncplane.Storage;

namespace Syncplane.Engine;

public sealed partial class SyncRunner
{
    /// <summary>
    /// A record source into a record destination (http into sql): the destination compares the records as they stream
    /// in, writing nothing; the gates judge the plan; then the destination writes the difference and commits, in the
    /// one transaction it opened, so a failure anywhere leaves the destination as it was.
    /// </summary>
    private async Task<Outcome> SyncRecordsAsync(TargetConfig target, RunOptions options, ConnectorContext context, IRecordDestinationFactory destinationFactory, CancellationToken ct)
    {
        var source = connectors.Find(target.Source!.Type)!.CreateSource(target.Source.Options, context with { OtherSideOptions = target.Destination!.Options }) as IRecordSource
            ?? throw new NotSupportedException($"the {target.Destination.Type} destination stores records; its source must be one that reads records (http, gcp_assets), not {target.Source.Type}");
        var destination = destinationFactory.CreateRecordDestination(target.Destination.Options, context with { OtherSideOptions = target.Source.Options });

        await using var run = await destination.OpenAsync(source.Key, write: !options.DryRun, ct);
        var plan = await run.PlanAsync(source.ReadAsync(ct), ct);
        var summary = plan.Summary;
        if (target.MaxDelete is { } maxDelete && !maxDelete.Allows(summary.Deletes, (int)Math.Min(run.ExistingCount, int.MaxValue)))
        {
            throw new GateFailedException("max_delete", $"the plan deletes {summary.Deletes} of {run.ExistingCount} row(s), over the limit of {maxDelete}; nothing was written", plan);
        }

        if (config.Defaults.FailOnDiff && !plan.IsEmpty)
        {
            return new Outcome(RunStatus.Failed, $"fail_on_diff: the destination differs ({DescribeRows(summary, planned: true)}); nothing was written") { Plan = plan };
        }

        if (options.DryRun)
        {
            return new Outcome(RunStatus.Succeeded, plan.IsEmpty ? $"dry run: up to date ({summary.Unchanged} row(s))" : $"dry run: {DescribeRows(summary, planned: true)}, nothing written") { Plan = plan };
        }

        await run.ApplyAsync(ct);
        return new Outcome(RunStatus.Succeeded, plan.IsEmpty ? $"up to date: nothing to change ({summary.Unchanged} row(s))" : $"synced successfully: {DescribeRows(summary)}")
        {
            Plan = plan,
            Changed = !plan.IsEmpty,
        };
    }

    private static string DescribeRows(PlanSummary s, bool planned = false) => !planned
        ? $"{s.Creates} row(s) inserted, {s.Updates} updated, {s.Deletes} deleted, {s.Unchanged} unchanged"
        : $"{s.Creates} row(s) to insert, {s.Updates} to update, {s.Deletes} to delete, {s.Unchanged} unchanged";
}
