using Syncplane.Config;
using Syncplane.Connectors;
using Syncplane.Connectors.Command;
using Syncplane.Connectors.Git;
using Syncplane.Engine.Process;
using Syncplane.Engine.Safety;
using Syncplane.Planning;
using Syncplane.Storage;
using Syncplane.Telemetry;

namespace Syncplane.Engine;

public sealed partial class SyncRunner
{
    private const string DestinationSide = "destination";

    private async Task<Outcome> ExecuteAsync(TargetConfig target, RunOptions options, ConnectorContext context, IProgress<int>? progress, CancellationToken ct)
    {
        var runner = new ProcessRunner(time);
        var log = context.Log;
        GateResult drift;
        using (SyncplaneTracing.StartPhase(SyncplaneTracing.Phases.Gates))
        {
            if (await new Checks.RequiredChecks(config.Checks, store, new Checks.CheckRunner(time, secrets), time).BlockerAsync(target, log, ct) is { } skipped)
            {
                throw new GateFailedException(Checks.RequiredChecks.Gate, skipped);
            }

            await RequireAsync(new SyncChecks(runner).RunAsync(config.Safety.PreSyncChecks, "pre-sync", target.Direction, config.BaseDirectory, target.Timeout, log, ct));
            drift = await RequireAsync(new DriftGates(runner).RunAsync(config.Safety.DriftGates, target.Name, await IsFirstSyncAsync(target, ct), config.BaseDirectory, target.Timeout, log, ct));
        }

        if (!options.DryRun)
        {
            OutputDirectories.Create(config);
        }

        var outcome = target.Entrypoint is null
            ? await SyncItemsAsync(target, options, context, runner, progress, ct)
            : await RunEntrypointAsync(target, options, context, runner, ct);
        if (drift.Note is { } note)
        {
            outcome = outcome with { Message = $"{outcome.Message} ({note})" };
        }

        if (options.DryRun && outcome.Plan is { IsEmpty: false } planned)
        {
            // The run's log keeps what would change (as `syncplane run --dry-run` prints it), for the API and the dashboard.
            foreach (var line in PlanFormatter.ToText(planned).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                log.Info("plan: " + line);
            }
        }

        var verifies = target.Verification is not null && options.Verify && outcome.Status is not (RunStatus.Refused or RunStatus.Cancelled);
        var checksAfter = outcome.Status == RunStatus.Succeeded && !options.DryRun && config.Safety.PostSyncChecks.Count > 0;
        using var phase = verifies || checksAfter ? SyncplaneTracing.StartPhase(SyncplaneTracing.Phases.Verify) : null;
        if (outcome.Status != RunStatus.Succeeded || options.DryRun)
        {
            return await VerifyAsync(target, options, runner, log, outcome, ct);
        }

        var post = await new SyncChecks(runner).RunAsync(config.Safety.PostSyncChecks, "post-sync", target.Direction, config.BaseDirectory, target.Timeout, log, ct);
        if (!post.Passed)
        {
            return outcome with { Status = RunStatus.Failed, Message = $"{outcome.Message}; then {post.Gate} failed: {post.Message}" };
        }

        return await VerifyAsync(target, options, runner, log, outcome, ct);
    }

    /// <summary>
    /// The store has no successful (not dry) run of the target, and none of its outputs exists: drift gates that judge
    /// what it produces cannot pass before its first sync, so they are skipped then rather than block it forever. One
    /// success ends it, also for a target that writes no outputs; outputs that exist end it too, so a fresh CI clone
    /// (an empty store) of a repository with committed outputs is judged by its gates.
    /// </summary>
    private async Task<bool> IsFirstSyncAsync(TargetConfig target, CancellationToken ct) =>
        config.Safety.DriftGates.Any(g => DriftGates.AppliesTo(g, target.Name)) // else the store is not asked: no gate to skip
        && FileStamps.List(config.BaseDirectory, target.Outputs).Count == 0
        && (await store.GetTargetStateAsync(target.Name, ct))?.LastGoodRunId is null;

    private async Task<Outcome> SyncItemsAsync(TargetConfig target, RunOptions options, ConnectorContext context, ProcessRunner runner, IProgress<int>? progress, CancellationToken ct)
    {
        var journal = options.DryRun ? null : Journals?.Find(target.Name);
        if (journal is null)
        {
            return await SyncItemsAsync(target, options, context, runner, progress, null, ct);
        }

        // max_delete is judged against the whole destination, which a read of the changed paths does not count.
        var changes = journal.Take(changedPathsOnly: options.Trigger == Watch.WatchedTargets.Trigger && target.MaxDelete is null);
        try
        {
            var outcome = await SyncItemsAsync(target, options, context, runner, progress, changes, ct);
            if (outcome.Status != RunStatus.Succeeded)
            {
                journal.Restore(changes);
            }

            return outcome;
        }
        catch
        {
            journal.Restore(changes);
            throw;
        }
    }

    /// <param name="changes">For a watched target: what changed since its last run (a run queued by the watcher reads only that).</param>
    private async Task<Outcome> SyncItemsAsync(TargetConfig target, RunOptions options, ConnectorContext context, ProcessRunner runner, IProgress<int>? progress, Watch.ChangeSet? changes, CancellationToken ct)
    {
        if (target.Direction == SyncDirection.Bidirectional && target.Source!.Type == ConnectorTypes.Directory && target.Destination!.Type == ConnectorTypes.Directory)
        {
            return await SyncBothWaysAsync(target, options, context, progress, ct);
        }

        var sourceFactory = connectors.Find(target.Source!.Type)!;
        var destinationFactory = connectors.Find(target.Destination!.Type)!;
        if (destinationFactory is IRecordDestinationFactory records)
        {
            return await SyncRecordsAsync(target, options, context, records, ct);
        }

        var source = sourceFactory.CreateSource(target.Source.Options, context with { OtherSideOptions = target.Destination.Options });
        var destination = destinationFactory.CreateDestination(target.Destination.Options, context with { OtherSideOptions = target.Source.Options });

        var timings = new PhaseTimings(time);
        Snapshot from, to;
        int? changedPaths;
        using (SyncplaneTracing.StartPhase(SyncplaneTracing.Phases.Snapshot))
        {
            (from, to, changedPaths) = await SnapshotsAsync(source, destination, changes, context.Log, ct);
            timings.Lap("walks");
        }

        // The revision hashes every source item in key order (a sort and a SHA-256 of the whole listing): it is made on
        // another core while the plan is, instead of after everything else.
        var hashed = options.DryRun ? null : Task.Run(() => RunRevision.Of(from, null), ct);
        var scope = (source as IScopedSource)?.DestinationScope;
        if (scope is not null)
        {
            // A mapped source owns only its destination paths: nothing else there is compared, deleted or counted.
            to = new Snapshot(to.Items.Values.Where(i => scope.InScope(i.Key))) { Kept = to.Kept, Revision = to.Revision };
        }

        Plan plan;
        using (SyncplaneTracing.StartPhase(SyncplaneTracing.Phases.Plan))
        {
            plan = await Planner.DiffAsync(from, to, destination.Delete, (a, b, c) => destination.SameContentAsync(a, b, source, c), ct);
            plan = plan with { SourceRevision = from.Revision };
            context.Log.Info($"plan: {plan.Summary.Creates} to create, {plan.Summary.Updates} to update, {plan.Summary.Deletes} to delete, {plan.Summary.Unchanged} unchanged");

            // The plan's own gates: it is refused here, before anything is written.
            if (target.MaxDelete is { } maxDelete && !maxDelete.Allows(plan.Summary.Deletes, to.Count))
            {
                throw new GateFailedException("max_delete", $"the plan deletes {plan.Summary.Deletes} of {to.Count} item(s), over the limit of {maxDelete}; nothing was written", plan);
            }

            await ScanForSecretsAsync(plan, source, ct);
            timings.Lap("compare");
        }

        var summary = plan.Summary;
        if (config.Defaults.FailOnDiff && !plan.IsEmpty)
        {
            return new Outcome(RunStatus.Failed, $"fail_on_diff: the destination differs ({Describe(summary, planned: true)})") { Plan = plan };
        }

        if (options.DryRun)
        {
            return new Outcome(RunStatus.Succeeded, plan.IsEmpty ? $"dry run: up to date ({summary.Unchanged} item(s))" : $"dry run: {Describe(summary, planned: true)}, nothing written") { Plan = plan };
        }

        if (plan.IsEmpty)
        {
            using (SyncplaneTracing.StartPhase(SyncplaneTracing.Phases.Apply))
            {
                await destination.ApplyAsync(plan, source, progress, ct); // writes nothing; removes temp files a killed run left
                timings.Lap("apply");
            }

            // What an earlier run wrote but could not commit or push is committed and pushed now.
            var pending = await CommitAsync(target, destination, plan.SourceRevision, scope, runner, context.Log, ct);
            var unchangedRevision = await RevisionAsync(from, pending?.Commit, hashed!);
            timings.Lap("revision");
            context.Log.Info($"timings: {timings}");
            return new Outcome(RunStatus.Succeeded, $"up to date: nothing to change ({summary.Unchanged} item(s)){ChangedPathsNote(changedPaths)}{pending?.Describe()}")
            {
                Plan = plan,
                CommitSha = pending?.Commit,
                Revision = unchangedRevision,
                Changed = pending?.Commit is not null,
            };
        }

        if (progress is RunProgressEvents events)
        {
            events.Total = summary.Creates + summary.Updates + summary.Deletes;
        }

        using (SyncplaneTracing.StartPhase(SyncplaneTracing.Phases.Apply))
        {
            await destination.ApplyAsync(plan, source, progress, ct);
            timings.Lap("apply");
            plan = WithoutSkipped(plan, destination.Skipped);
            await RecordItemIndexAsync(target.Name, plan, ct);
            timings.Lap("item index");
        }

        var commit = await CommitAsync(target, destination, plan.SourceRevision, scope, runner, context.Log, ct);
        var revision = await RevisionAsync(from, commit?.Commit, hashed!);
        timings.Lap("revision");
        context.Log.Info($"timings: {timings}");
        return new Outcome(RunStatus.Succeeded, $"synced successfully: {Describe(plan.Summary)}{LeftForTheNextRun(destination.Skipped, "vanished", context.Log)}{ChangedPathsNote(changedPaths)}{commit?.Describe()}")
        {
            Plan = plan,
            CommitSha = commit?.Commit,
            Revision = revision,
            Changed = plan.Changes.Count > 0 || commit?.Commit is not null,
        };
    }

    /// <summary>The plan as applied: without the changes the destination left for the next run (their source vanished meanwhile).</summary>
    private static Plan WithoutSkipped(Plan plan, IReadOnlyCollection<string> skipped)
    {
        if (skipped.Count == 0)
        {
            return plan;
        }

        var left = skipped.ToHashSet(StringComparer.Ordinal);
        var applied = plan.Changes.Where(c => !left.Contains(c.Key)).ToList();
        return plan with { Changes = applied, Summary = Planner.Summarize(applied, plan.Summary.Unchanged) };
    }

    /// <summary>
    /// "; 3 item(s) vanished during the run and were left for the next run (a, b, c)" for the run's message, with every key
    /// in a warning of its log; "" when none were.
    /// </summary>
    private static string LeftForTheNextRun(IReadOnlyCollection<string> keys, string how, IRunLog log)
    {
        if (keys.Count == 0)
        {
            return "";
        }

        var sorted = keys.Order(StringComparer.Ordinal).ToList();
        log.Warn($"left for the next run, {how} while this one ran: {string.Join(", ", sorted)}");
        return $"; {keys.Count} item(s) {how} during the run and were left for the next run ({string.Join(", ", sorted.Take(5))}{(keys.Count > 5 ? ", …" : "")})";
    }

    /// <summary><see cref="RunRevision.Of(Snapshot, string?)"/>, from the hash <paramref name="hashed"/> started without the commit.</summary>
    private static async Task<string> RevisionAsync(Snapshot from, string? commit, Task<string> hashed) =>
        from.Revision is null && commit is not null ? commit : await hashed;

    /// <summary>The git_commit step of a pull into a local destination (only the mapped paths of a scoped source); null when it does not apply.</summary>
    private async Task<GitCommitResult?> CommitAsync(TargetConfig target, IItemDestination destination, string? sourceRevision, GitPathMap? scope, ProcessRunner runner, IRunLog log, CancellationToken ct)
    {
        if (target.GitCommit is not { } git || target.Direction != SyncDirection.Pull || destination.LocalRoot is not { } root)
        {
            return null;
        }

        using var phase = SyncplaneTracing.StartPhase(SyncplaneTracing.Phases.Commit);
        return await new GitCommitStep(new GitCli(runner), time).CommitAsync(git, root, scope?.DestinationScope, Template(target, sourceRevision), log, ct);
    }

    private async Task<Outcome> RunEntrypointAsync(TargetConfig target, RunOptions options, ConnectorContext context, ProcessRunner runner, CancellationToken ct)
    {
        if (options.DryRun)
        {
            return new Outcome(RunStatus.Succeeded, $"dry run: would run {target.Entrypoint} in {target.WorkingDirectory ?? config.BaseDirectory}");
        }

        EntrypointResult result;
        using (SyncplaneTracing.StartPhase(SyncplaneTracing.Phases.Apply))
        {
            result = await new EntrypointRunner(runner).RunAsync(target, target.Direction, dryRun: false, context, ct);
            if (!result.Success)
            {
                return new Outcome(RunStatus.Failed, result.Message) { OutputsCreated = result.OutputsCreated };
            }

            var scan = await new SecretScanner(config.Safety.SecretPatterns)
                .ScanFilesAsync(result.OutputsCreated.Select(o => new ScanFile(Path.Combine(config.BaseDirectory, o), o)), ct);
            if (scan.Findings.Count > 0)
            {
                return new Outcome(RunStatus.Failed, $"{scan.ToGate().Message}; outputs were not committed") { OutputsCreated = result.OutputsCreated };
            }
        }

        // With push, also when nothing changed: a commit an earlier run could not push is pushed now.
        GitCommitResult? commit = null;
        if (target.GitCommit is { } git && target.Direction == SyncDirection.Pull && (result.OutputsCreated.Count > 0 || git.Push))
        {
            using var phase = SyncplaneTracing.StartPhase(SyncplaneTracing.Phases.Commit);
            commit = await new GitCommitStep(new GitCli(runner), time).CommitAsync(git, config.BaseDirectory, result.OutputsCreated, Template(target, null), context.Log, ct);
        }

        var message = $"synced successfully: {result.OutputsCreated.Count} output(s) created or changed{commit?.Describe()}";
        return new Outcome(RunStatus.Succeeded, message)
        {
            OutputsCreated = result.OutputsCreated,
            CommitSha = commit?.Commit,
            Revision = commit?.Commit ?? await RunRevision.OfFilesAsync(config.BaseDirectory, target.Outputs, ct),
            Changed = result.OutputsCreated.Count > 0 || commit?.Commit is not null,
        };
    }

    private async Task<Outcome> VerifyAsync(TargetConfig target, RunOptions options, ProcessRunner runner, IRunLog log, Outcome outcome, CancellationToken ct)
    {
        if (target.Verification is not { } verification || !options.Verify || outcome.Status is RunStatus.Refused or RunStatus.Cancelled)
        {
            return outcome;
        }

        var result = await new Verifier(runner).VerifyAsync(verification, config.BaseDirectory, target.Timeout, log, ct);
        return result.Passed
            ? outcome with { VerificationPassed = true, Message = $"{outcome.Message}; {result.Message}" }
            : outcome with { VerificationPassed = false, Status = RunStatus.Failed, Message = $"{outcome.Message}; {result.Message}" };
    }

    private async Task ScanForSecretsAsync(Plan plan, IItemSource source, CancellationToken ct)
    {
        if (config.Safety.SecretPatterns.Count == 0)
        {
            return;
        }

        var scanner = new SecretScanner(config.Safety.SecretPatterns);
        var written = plan.Changes.Where(c => c.Kind != ChangeKind.Delete && c.ContentChanged && c.Source is { Kind: ItemKind.File }).Select(c => c.Source!).ToList();
        var local = written.Select(i => (Item: i, Path: source.TryGetLocalPath(i))).ToList();
        var scan = await scanner.ScanFilesAsync(local.Where(l => l.Path is not null).Select(l => new ScanFile(l.Path!, l.Item.Key)), ct);
        var findings = scan.Findings.ToList();
        foreach (var (item, _) in local.Where(l => l.Path is null))
        {
            await using var content = await source.OpenReadAsync(item, ct);
            findings.AddRange(await scanner.ScanAsync(item.Key, content, ct) ?? []);
        }

        if (findings.Count > 0)
        {
            throw new GateFailedException("secret scan", $"{findings.Count} line(s) match secret patterns: {string.Join("; ", findings)}", plan);
        }
    }

    private async Task RecordItemIndexAsync(string target, Plan plan, CancellationToken ct)
    {
        var upserts = plan.Changes.Where(c => c.Kind != ChangeKind.Delete).Select(c => c.Source!).ToList();
        var deletes = plan.Changes.Where(c => c.Kind == ChangeKind.Delete).Select(c => c.Key).ToList();
        await store.UpdateItemIndexAsync(target, DestinationSide, upserts, deletes, ct);
    }

    private static Dictionary<string, string> Template(TargetConfig target, string? sourceSha) => new()
    {
        ["target"] = target.Name,
        ["source_sha"] = sourceSha ?? "",
    };

    private static string Describe(PlanSummary s, bool planned = false) => !planned
        ? $"{s.Creates} created, {s.Updates} updated, {s.Deletes} deleted, {s.Unchanged} unchanged"
        : $"{s.Creates} to create, {s.Updates} to update, {s.Deletes} to delete, {s.Unchanged} unchanged";

    private static async Task<GateResult> RequireAsync(Task<GateResult> gate)
    {
        var result = await gate;
        if (!result.Passed)
        {
            throw new GateFailedException(result.Gate, result.Message);
        }

        return result;
    }
}
