using Syncplane.Config;
using Syncplane.Connectors;
using Syncplane.Connectors.Directory;
using Syncplane.Engine.Safety;
using Syncplane.Planning;
using Syncplane.Planning.TwoWay;
using Syncplane.Storage;
using Syncplane.Telemetry;

namespace Syncplane.Engine;

public sealed partial class SyncRunner
{
    /// <summary>
    /// A bidirectional target between two directories: snapshots both sides, plans against the listing of the last
    /// successful run, refuses what is unsafe, applies both ways and saves the new listing only after all of it.
    /// </summary>
    /// <remarks>
    /// Conflict copies are written first (they read the losing copy under its old name), then both sides at once.
    /// Every write is a temp file renamed into place, and an item that changed since the plan is left alone, its old
    /// listing kept, so the next run sees the change. A run that dies half way leaves the old listing: the next run
    /// finds the copies it made identical on both sides and has nothing to do for them.
    /// </remarks>
    private async Task<Outcome> SyncBothWaysAsync(TargetConfig target, RunOptions options, ConnectorContext context, IProgress<int>? progress, CancellationToken ct)
    {
        var log = context.Log;
        var sourceOptions = WithoutGitMetadata((DirectoryOptions)target.Source!.Options);
        var destinationOptions = WithoutGitMetadata((DirectoryOptions)target.Destination!.Options);
        var sides = new Dictionary<TwoWaySide, DirectoryReplica>
        {
            [TwoWaySide.Source] = DirectoryConnectorFactory.Replica(sourceOptions, destinationOptions, context),
            [TwoWaySide.Destination] = DirectoryConnectorFactory.Replica(destinationOptions, sourceOptions, context),
        };

        // Both walks at once, each digested as it ends. When both digests are those of the in-sync listing saved last
        // time, nothing changed on either side and the listing is never loaded (an unchanged re-sync is mostly the walks).
        // Otherwise the listing is read as soon as a walk differs from it, and each side is decoded against its own walk
        // as that walk ends (only the ranges of keys the walk differs in), while the other walk may still run.
        var timings = new PhaseTimings(time);
        Snapshot source, destination;
        Listing? listing = null;
        StoredListing? previous = null;
        ListingDigests? stored;
        var unchanged = false;
        var upgrade = false;
        using (SyncplaneTracing.StartPhase(SyncplaneTracing.Phases.Snapshot))
        {
            var started = time.GetTimestamp();
            var digests = store.GetListingDigestsAsync(target.Name, ct);
            Task<StoredListing?>? load = null;
            var loadTimes = (From: TimeSpan.Zero, Took: TimeSpan.Zero);
            var gate = new Lock();
            Task<StoredListing?> Load()
            {
                lock (gate)
                {
                    return load ??= TimedLoadAsync();
                }
            }

            async Task<StoredListing?> TimedLoadAsync()
            {
                var from = time.GetTimestamp();
                var loaded = await ListingOfAsync(target, sides, log, ct);
                loadTimes = (time.GetElapsedTime(started, from), time.GetElapsedTime(from));
                return loaded;
            }

            async Task<(Snapshot Snapshot, SideDigest Digest, TimeSpan Took, IReadOnlyDictionary<string, Item>? Listed, TimeSpan Decoded)> WalkAsync(TwoWaySide side)
            {
                var snapshot = await sides[side].SnapshotAsync(ct);
                var digest = SideDigest.Of(snapshot.Items.Values);
                var took = time.GetElapsedTime(started);
                if (options.Resync || await digests is not { InSync: true } saved || digest != (side == TwoWaySide.Source ? saved.Source : saved.Destination))
                {
                    var listed = (await Load())?.Against(side, snapshot.Items, digest);
                    return (snapshot, digest, took, listed, time.GetElapsedTime(started));
                }

                return (snapshot, digest, took, null, took);
            }

            var a = WalkAsync(TwoWaySide.Source);
            var b = WalkAsync(TwoWaySide.Destination);
            await Task.WhenAll(a, b, digests);
            (source, destination, stored) = ((await a).Snapshot, (await b).Snapshot, await digests);
            unchanged = !options.Resync && stored is not null
                && stored.Unchanged(sides[TwoWaySide.Source].Root, sides[TwoWaySide.Destination].Root, (await a).Digest, (await b).Digest);
            if (!unchanged)
            {
                previous = await Load();
                if (previous is not null)
                {
                    var sourceListed = (await a).Listed ?? previous.Against(TwoWaySide.Source, source.Items, (await a).Digest);
                    var destinationListed = (await b).Listed ?? previous.Against(TwoWaySide.Destination, destination.Items, (await b).Digest);
                    listing = new Listing(sourceListed, destinationListed, previous.SourceRoot, previous.DestinationRoot)
                    {
                        ChangedOnlyAt = previous.ChangedOnlyAt(sourceListed, destinationListed),
                    };
                    upgrade = stored is null; // saved before listings had digests: saved again below, even when nothing changed
                }
            }

            var walks = $"walks (source {(await a).Took.TotalMilliseconds:F0} ms, destination {(await b).Took.TotalMilliseconds:F0} ms)";
            timings.Lap(unchanged
                ? $"{walks}, listing unchanged, not loaded"
                : $"{walks} and listing load ({loadTimes.Took.TotalMilliseconds:F0} ms from {loadTimes.From.TotalMilliseconds:F0} ms; " +
                  $"sides decoded by {(await a).Decoded.TotalMilliseconds:F0} and {(await b).Decoded.TotalMilliseconds:F0} ms)");
        }

        if (listing is null && !options.Resync && !unchanged)
        {
            throw new GateFailedException("first run",
                $"no listing of an earlier two-way sync of '{target.Name}': without one, a file on one side only could be new there or deleted on the other, " +
                $"so nothing is guessed. Run once with --resync (syncplane run --target {target.Name} --resync; add --dry-run to see it first; " +
                $"or queue one: syncplane trigger --resync {target.Name}, POST /api/v1/targets/{target.Name}/sync?resync=true): " +
                "it copies what either side lacks and, where both have a file that differs, the newer wins; later runs sync changes both ways");
        }

        if (listing is not null && !options.Resync)
        {
            // An emptied side is judged against the listing; a resync copies everything back instead of deleting.
            RefuseEmptiedSide(listing, TwoWaySide.Source, source, sides);
            RefuseEmptiedSide(listing, TwoWaySide.Destination, destination, sides);
        }

        TwoWayPlan twoWay;
        Plan plan;
        using (SyncplaneTracing.StartPhase(SyncplaneTracing.Phases.Plan))
        {
            twoWay = unchanged
                ? TwoWayPlanner.Unchanged(source, destination)
                : await TwoWayPlanner.PlanAsync(source, destination, options.Resync ? null : listing, target.Conflicts, (side, item, c) => sides[side].HashAsync(item, c), ct);
            plan = twoWay.ToPlan();
            timings.Lap("compare");
            log.Info($"plan{(twoWay.Resync ? " (resync)" : "")}: {DescribeSides(twoWay, planned: true)}, {twoWay.Unchanged} unchanged");
            foreach (var conflict in twoWay.Conflicts)
            {
                log.Warn($"conflict: {TwoWayText.Describe(conflict)}");
            }

            RefuseMassDeletes(target, twoWay, sides);
            await ScanBothWaysAsync(twoWay, sides, plan, ct);
        }

        if (config.Defaults.FailOnDiff && !plan.IsEmpty)
        {
            return new Outcome(RunStatus.Failed, $"fail_on_diff: the two sides differ ({DescribeSides(twoWay, planned: true)})") { Plan = plan };
        }

        if (options.DryRun)
        {
            return new Outcome(RunStatus.Succeeded, plan.IsEmpty ? $"dry run: in sync ({twoWay.Unchanged} item(s))" : $"dry run: {DescribeSides(twoWay, planned: true)}, nothing written") { Plan = plan };
        }

        var workTrees = await WorkTreeSidesAsync(target, sides, log, ct);
        HashSet<string> skipped;
        ListingDigests listed;
        using (SyncplaneTracing.StartPhase(SyncplaneTracing.Phases.Apply))
        {
            if (progress is RunProgressEvents events)
            {
                events.Total = plan.Changes.Count;
            }

            skipped = await ApplyBothWaysAsync(twoWay, sides, progress, ct);
            timings.Lap("apply");

            // The digests of the listing the run leaves, which name what it synced (the run's revision). A listing the
            // run does not save is the stored one, which has digests: one saved without them is saved (upgrade).
            listed = !unchanged && (TwoWayListing.After(twoWay, listing, skipped, sides[TwoWaySide.Source].Root, sides[TwoWaySide.Destination].Root) ?? (upgrade ? listing : null)) is { } after
                ? await store.SaveListingAsync(target.Name, after, previous, ct)
                : stored!;

            timings.Lap("listing save");
            log.Info($"timings: {timings}");
        }

        var commit = await CommitReceivedAsync(target, workTrees, twoWay, sides, skipped, log, ct);

        var left = LeftForTheNextRun(skipped, "changed", log);

        return new Outcome(RunStatus.Succeeded, plan.IsEmpty
            ? $"in sync: nothing to change ({twoWay.Unchanged} item(s))"
            : $"synced both ways{(twoWay.Resync ? " (resync)" : "")}: {DescribeSides(twoWay, planned: false)}{left}{commit?.Describe()}")
        {
            Plan = plan,
            CommitSha = commit?.Commit,
            Revision = RunRevision.Of(listed, commit?.Commit),
            Changed = !plan.IsEmpty,
        };
    }

    /// <summary>The stored listing, or null when there is none or it was saved for other folders (then it is no reference).</summary>
    private async Task<StoredListing?> ListingOfAsync(TargetConfig target, Dictionary<TwoWaySide, DirectoryReplica> sides, IRunLog log, CancellationToken ct)
    {
        var listing = await store.GetListingAsync(target.Name, ct);
        if (listing is not null && (listing.SourceRoot != sides[TwoWaySide.Source].Root || listing.DestinationRoot != sides[TwoWaySide.Destination].Root))
        {
            log.Warn($"the listing of '{target.Name}' is of {listing.SourceRoot} and {listing.DestinationRoot}, not of the folders configured now; it is not used");
            return null;
        }

        return listing;
    }

    /// <summary>A side that had items after the last sync and has none now is an unmounted disk until shown otherwise: never mirrored as deletes.</summary>
    private static void RefuseEmptiedSide(Listing listing, TwoWaySide side, Snapshot now, Dictionary<TwoWaySide, DirectoryReplica> sides)
    {
        var listed = listing.Of(side).Count;
        if (listed > 0 && now.Count == 0)
        {
            var root = sides[side].Root;
            var gone = Directory.Exists(root) ? "is empty" : "does not exist";
            throw new GateFailedException("empty side",
                $"the {TwoWayNames.Of(side)} {root} {gone} but held {listed} item(s) after the last sync (a disk that is not mounted?); " +
                "deleting them on the other side was refused and nothing was written. To delete everything, empty both sides; " +
                "to fill it again from the other side, run once with --resync");
        }
    }

    private static void RefuseMassDeletes(TargetConfig target, TwoWayPlan plan, Dictionary<TwoWaySide, DirectoryReplica> sides)
    {
        if (target.MaxDelete is not { } maxDelete)
        {
            return;
        }

        foreach (var side in new[] { TwoWaySide.Source, TwoWaySide.Destination })
        {
            var deletes = plan.Into(side).Count(c => c.Kind == ChangeKind.Delete && c.Destination!.Kind != ItemKind.Directory);
            var count = plan.ItemsOf(side).Values.Count(i => i.Kind != ItemKind.Directory);
            if (!maxDelete.Allows(deletes, count))
            {
                throw new GateFailedException("max_delete",
                    $"the plan deletes {deletes} of {count} item(s) on the {TwoWayNames.Of(side)} ({sides[side].Root}), over the limit of {maxDelete}; nothing was written",
                    plan.ToPlan());
            }
        }
    }

    /// <summary>The secret scan of a one-way run, over everything about to be written to either side (read where it comes from).</summary>
    private async Task ScanBothWaysAsync(TwoWayPlan twoWay, Dictionary<TwoWaySide, DirectoryReplica> sides, Plan plan, CancellationToken ct)
    {
        if (config.Safety.SecretPatterns.Count == 0)
        {
            return;
        }

        var files = twoWay.IntoSource.Concat(twoWay.IntoDestination)
            .Where(c => c.Kind != ChangeKind.Delete && c.Source is { Kind: ItemKind.File })
            .Select(c => new ScanFile(sides[c.From!.Value].PathOf(c.Source!.Key), c.Key))
            .DistinctBy(f => f.Path);
        var scan = await new SecretScanner(config.Safety.SecretPatterns).ScanFilesAsync(files, ct);
        if (scan.Findings.Count > 0)
        {
            throw new GateFailedException("secret scan", $"{scan.Findings.Count} line(s) match secret patterns: {string.Join("; ", scan.Findings)}", plan);
        }
    }

    /// <summary>Applies the plan; returns the keys left alone because they changed meanwhile (their listing stays as it was).</summary>
    private static async Task<HashSet<string>> ApplyBothWaysAsync(TwoWayPlan plan, Dictionary<TwoWaySide, DirectoryReplica> sides, IProgress<int>? progress, CancellationToken ct)
    {
        var counts = new SummedProgress(progress);
        var skipped = new HashSet<string>(StringComparer.Ordinal);
        var lostCopies = new HashSet<(TwoWaySide, string)>();

        // Conflict copies first, each from the side its losing copy is on.
        foreach (var into in new[] { TwoWaySide.Source, TwoWaySide.Destination })
        {
            foreach (var from in new[] { TwoWaySide.Source, TwoWaySide.Destination })
            {
                var copies = plan.Into(into).Where(c => c.From == from && c.Source!.Key != c.Key).ToList();
                if (copies.Count == 0)
                {
                    continue;
                }

                var writer = sides[into].Writer;
                var before = writer.Skipped.Count;
                await writer.ApplyAsync(new Plan(copies, Planner.Summarize(copies, 0)), sides[from].Reader, counts.For(), ct);
                foreach (var key in writer.Skipped.Skip(before))
                {
                    var original = copies.First(c => c.Key == key).Source!.Key;
                    skipped.Add(key);
                    skipped.Add(original);
                    lostCopies.Add((from, original));
                }
            }
        }

        // Then both sides at once: no write reads a key the other side's writes change.
        await Task.WhenAll(new[] { TwoWaySide.Source, TwoWaySide.Destination }.Select(async into =>
        {
            var from = TwoWayNames.Other(into);
            var changes = plan.Into(into).Where(c => c.Kind == ChangeKind.Delete || (c.Source!.Key == c.Key && !lostCopies.Contains((into, c.Key)))).ToList();
            if (changes.Count > 0)
            {
                await sides[into].Writer.ApplyAsync(new Plan(changes, Planner.Summarize(changes, 0)), sides[from].Reader, counts.For(), ct);
            }
        }));

        skipped.UnionWith(sides[TwoWaySide.Source].Writer.Skipped);
        skipped.UnionWith(sides[TwoWaySide.Destination].Writer.Skipped);
        foreach (var (_, key) in lostCopies)
        {
            skipped.Add(key);
        }

        return skipped;
    }

    private static string DescribeSides(TwoWayPlan plan, bool planned)
    {
        static string Side(IReadOnlyList<Change> changes, bool planned)
        {
            var s = Planner.Summarize([.. changes], 0);
            return planned
                ? $"{s.Creates} to create, {s.Updates} to update, {s.Deletes} to delete"
                : $"{s.Creates} created, {s.Updates} updated, {s.Deletes} deleted";
        }

        var conflicts = plan.Conflicts.Count == 0 ? "" : $", {plan.Conflicts.Count} conflict(s)";
        return $"into the destination {Side(plan.IntoDestination, planned)}; into the source {Side(plan.IntoSource, planned)}{conflicts}";
    }

    /// <summary>Adds up the progress of the applies into both sides, which run at the same time.</summary>
    private sealed class SummedProgress(IProgress<int>? total)
    {
        private readonly IProgress<int>? _total = total;
        private readonly int[] _done = new int[6]; // at most four applies of conflict copies, then one into each side
        private int _next;

        public IProgress<int>? For() => _total is null ? null : new Slot(this, Math.Min(_next++, 5));

        private sealed class Slot(SummedProgress owner, int slot) : IProgress<int>
        {
            public void Report(int value)
            {
                Volatile.Write(ref owner._done[slot], value);
                owner._total!.Report(owner._done.Sum());
            }
        }
    }
}
