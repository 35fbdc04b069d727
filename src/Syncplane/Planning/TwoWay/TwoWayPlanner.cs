namespace Syncplane.Planning.TwoWay;

/// <summary>
/// Plans a two-way sync: each side's current items are compared with the listing both sides had after the last
/// successful run, and every key is settled by the decision table in docs/bidirectional.md.
/// </summary>
/// <remarks>
/// <para>A side <em>changed</em> a key when it is there now and was not (new), was there and is not (deleted), or
/// differs from its listed kind, size, mtime or link target (a directory's mtime is not a change). Then: no side
/// changed it → nothing (a key only one side holds is copied to the other); one side changed it → that side's
/// state goes to the other (copy or delete); both did → deleted on both is nothing, a change beats a delete, the
/// same content is nothing, and different content is a <see cref="Conflict"/> settled by the policy.</para>
/// <para>A file and a directory at one key (both changed) is always settled by keeping both: the directory keeps
/// the name and the file is renamed, whatever the policy, so no changed tree is ever deleted for a file. The result
/// is a tree on both sides: a directory a side deleted comes back when something below it is kept, and a file where
/// a kept entry needs a directory is renamed the same way.</para>
/// <para>Without a listing (<c>--resync</c>) both sides are new: the union, and where they differ the newer copy wins.</para>
/// </remarks>
public static class TwoWayPlanner
{
    /// <param name="source">The source side now.</param>
    /// <param name="destination">The destination side now.</param>
    /// <param name="listing">Both sides after the last successful run; null for a resync.</param>
    /// <param name="policy">How conflicts are settled (a resync uses <see cref="ConflictPolicy.Newer"/>).</param>
    /// <param name="hash">The SHA-256 (lowercase hex) of a file on a side, asked only for same-size files both sides changed.</param>
    public static async Task<TwoWayPlan> PlanAsync(
        Snapshot source,
        Snapshot destination,
        Listing? listing,
        ConflictPolicy policy,
        Func<TwoWaySide, Item, CancellationToken, ValueTask<string>> hash,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(hash);
        var state = new Decisions(source, destination, listing, listing is null ? ConflictPolicy.Newer : policy);
        state.DecideAll();
        await state.CompareContentAsync(hash, ct);
        state.MakeTree();
        state.NameConflictCopies();
        return new TwoWayPlan(state.ChangesInto(TwoWaySide.Source), state.ChangesInto(TwoWaySide.Destination), state.Conflicts, state.Unchanged)
        {
            Resync = listing is null,
            SourceItems = state.Current(TwoWaySide.Source),
            DestinationItems = state.Current(TwoWaySide.Destination),
            SourceAsListed = listing is not null && state.SourceAsListed == listing.Source.Count && state.SourceAsListed == source.Count,
            DestinationAsListed = listing is not null && state.DestinationAsListed == listing.Destination.Count && state.DestinationAsListed == destination.Count,
        };
    }

    /// <summary>
    /// The plan when both sides are exactly as an in-sync listing has them (<see cref="ListingDigests.Unchanged"/>):
    /// every key is unchanged on both sides and held by both as the same kind, so the decision table keeps each one.
    /// </summary>
    public static TwoWayPlan Unchanged(Snapshot source, Snapshot destination)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        var kept = 0;
        foreach (var item in source.Items.Values)
        {
            kept += item.Kind == ItemKind.Directory ? 0 : 1;
        }

        return new TwoWayPlan([], [], [], kept)
        {
            SourceItems = source.Items,
            DestinationItems = destination.Items,
            SourceAsListed = true,
            DestinationAsListed = true,
        };
    }

    /// <summary>True when two items hold the same thing: kind, and for files size and hash (when both are known) or mtime (to the nanosecond); for links the target.</summary>
    public static bool QuickSame(Item a, Item b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return a.Kind == b.Kind && a.Kind switch
        {
            ItemKind.Directory => true,
            ItemKind.Symlink => string.Equals(a.LinkTarget, b.LinkTarget, StringComparison.Ordinal),
            _ => a.Size == b.Size && (a.Hash is not null && b.Hash is not null ? string.Equals(a.Hash, b.Hash, StringComparison.Ordinal) : SameMtime(a, b)),
        };
    }

    /// <summary>A hash computed before stays while the file is unchanged: <paramref name="now"/> with the listed item's hash when it has none and is the same as the listed item.</summary>
    public static Item WithListedHash(Item now, Item? listed)
    {
        ArgumentNullException.ThrowIfNull(now);
        return now.Hash is null && listed?.Hash is not null && QuickSame(now, listed) ? now with { Hash = listed.Hash } : now;
    }

    private static bool SameMtime(Item a, Item b) => a.MtimeTicks == b.MtimeTicks && a.MtimeExtraNanos == b.MtimeExtraNanos;

    /// <summary>Whether a side changed a key since the listing (see the remarks of <see cref="TwoWayPlanner"/>).</summary>
    internal static bool Changed(Item? listed, Item? now) =>
        listed is null || now is null
            ? listed is not null || now is not null
            : listed.Kind != now.Kind || (now.Kind != ItemKind.Directory && !QuickSame(listed, now));

    /// <summary>What a key ends as on both sides: each side keeps its own (<see cref="Origin"/> null), or the item of one side.</summary>
    /// <remarks>A class (one shared instance for every key both sides keep): a struct value would make a dictionary type whose code is compiled at run time.</remarks>
    private sealed record Final(TwoWaySide? Origin, Item? Item)
    {
        public static readonly Final Kept = new(null, null);
    }

    private sealed record PendingCopy(Conflict Conflict, int Index, TwoWaySide Side, Item Loser);

    private sealed class Decisions(Snapshot source, Snapshot destination, Listing? listing, ConflictPolicy policy)
    {
        // The snapshots' own maps, not copied: CompareContentAsync replaces them with copies when it must keep computed hashes.
        private Dictionary<string, Item> _source = AsMap(source);
        private Dictionary<string, Item> _destination = AsMap(destination);
        private readonly Dictionary<string, Final> _final = new(Math.Max(source.Count, destination.Count), StringComparer.Ordinal);
        private readonly List<string> _undecided = [];
        private readonly List<string> _absent = [];
        private readonly List<PendingCopy> _copies = [];

        public List<Conflict> Conflicts { get; } = [];

        public int Unchanged { get; private set; }

        /// <summary>How many items of each side equal their listed item exactly (all fields): when all do, the listing needs no rewrite.</summary>
        public int SourceAsListed { get; private set; }

        public int DestinationAsListed { get; private set; }

        public Dictionary<string, Item> Current(TwoWaySide side) => side == TwoWaySide.Source ? _source : _destination;

        private static Dictionary<string, Item> AsMap(Snapshot snapshot) =>
            snapshot.Items as Dictionary<string, Item> ?? new Dictionary<string, Item>(snapshot.Items, StringComparer.Ordinal);

        /// <remarks>
        /// Only keys a side holds now are decided: a listed key neither side holds (deleted on one side or both) ends
        /// absent, which is what no decision means, so the listing is looked up by key and never walked.
        /// </remarks>
        public void DecideAll()
        {
            var changedOnlyAt = listing?.ChangedOnlyAt;
            foreach (var (key, a) in _source)
            {
                if (changedOnlyAt is not null && !changedOnlyAt.Contains(key))
                {
                    // As listed on both sides, which were in sync: kept, as the decision table would.
                    Keep(key, a);
                    SourceAsListed++;
                    DestinationAsListed++;
                    continue;
                }

                Decide(key, a, _destination.GetValueOrDefault(key));
            }

            foreach (var (key, b) in _destination)
            {
                if (!_source.ContainsKey(key))
                {
                    Decide(key, null, b);
                }
            }
        }

        private void Decide(string key, Item? a, Item? b)
        {
            bool changedA, changedB;
            if (listing is null)
            {
                (changedA, changedB) = (a is not null, b is not null);
            }
            else
            {
                var listedA = listing.Source.GetValueOrDefault(key);
                var listedB = listing.Destination.GetValueOrDefault(key);
                changedA = Changed(listedA, a);
                changedB = Changed(listedB, b);
                SourceAsListed += a is not null && a.Equals(listedA) ? 1 : 0;
                DestinationAsListed += b is not null && b.Equals(listedB) ? 1 : 0;
            }

            if (changedA && changedB)
            {
                DecideBothChanged(key, a, b);
            }
            else if (changedA || (!changedB && a is not null && b is null))
            {
                Take(key, TwoWaySide.Source, a, b);
            }
            else if (changedB || (b is not null && a is null))
            {
                Take(key, TwoWaySide.Destination, b, a);
            }
            else if (a is not null && b is not null)
            {
                if (a.Kind == b.Kind)
                {
                    Keep(key, a);
                }
                else
                {
                    DecideBothChanged(key, a, b); // unchanged on both yet of different kinds: only a damaged listing does that
                }
            }
        }

        /// <summary>One side's state of the key goes to both: its item, or its absence.</summary>
        private void Take(string key, TwoWaySide side, Item? item, Item? other)
        {
            if (item is null)
            {
                _absent.Add(key); // deleted: absent from the final tree, so deleted on the other side too
                return;
            }

            if (other is not null && QuickSame(item, other))
            {
                Keep(key, item);
            }
            else
            {
                _final[key] = new Final(side, item);
            }
        }

        private void Keep(string key, Item item)
        {
            _final[key] = Final.Kept;
            if (item.Kind != ItemKind.Directory)
            {
                Unchanged++;
            }
        }

        private void DecideBothChanged(string key, Item? a, Item? b)
        {
            if (a is null && b is null)
            {
                return; // deleted on both
            }

            if (a is null || b is null)
            {
                _final[key] = a is null ? new Final(TwoWaySide.Destination, b) : new Final(TwoWaySide.Source, a); // a change beats a delete
                return;
            }

            if (a.Kind != b.Kind)
            {
                if (a.Kind == ItemKind.Directory || b.Kind == ItemKind.Directory)
                {
                    var directory = a.Kind == ItemKind.Directory ? TwoWaySide.Source : TwoWaySide.Destination;
                    Settle(key, a, b, directory, "a file and a directory: the directory keeps the name", keepBoth: true);
                }
                else
                {
                    Settle(key, a, b);
                }

                return;
            }

            // Same size: the contents decide. Only a resync, which meets every file on both sides, trusts equal mtimes too.
            if (a.Kind == ItemKind.File && a.Size == b.Size && (listing is not null || !SameMtime(a, b)))
            {
                _undecided.Add(key);
                return;
            }

            if (QuickSame(a, b))
            {
                Keep(key, a);
            }
            else
            {
                Settle(key, a, b);
            }
        }

        public async Task CompareContentAsync(Func<TwoWaySide, Item, CancellationToken, ValueTask<string>> hash, CancellationToken ct)
        {
            if (_undecided.Count == 0)
            {
                return;
            }

            var hashed = new (Item A, Item B)[_undecided.Count];
            await Parallel.ForAsync(0, _undecided.Count, ct, async (i, token) =>
            {
                var a = _source[_undecided[i]];
                var b = _destination[_undecided[i]];
                hashed[i] = (a with { Hash = await hash(TwoWaySide.Source, a, token) }, b with { Hash = await hash(TwoWaySide.Destination, b, token) });
            });
            var sourceItems = new Dictionary<string, Item>(_source, StringComparer.Ordinal);
            var destinationItems = new Dictionary<string, Item>(_destination, StringComparer.Ordinal);
            (_source, _destination) = (sourceItems, destinationItems);
            for (var i = 0; i < hashed.Length; i++)
            {
                var (a, b) = hashed[i];
                sourceItems[a.Key] = a;
                destinationItems[b.Key] = b;
                if (a.Hash == b.Hash)
                {
                    Keep(a.Key, a);
                }
                else
                {
                    Settle(a.Key, a, b);
                }
            }
        }

        /// <summary>Settles a conflict by the policy (or <paramref name="winner"/> when given).</summary>
        private void Settle(string key, Item a, Item b, TwoWaySide? winner = null, string? why = null, bool keepBoth = false)
        {
            if (winner is null)
            {
                var (side, reason) = ByPolicy(a, b);
                why = reason;
                keepBoth = policy == ConflictPolicy.KeepBoth || side is null;
                winner = side ?? (a.MtimeTicks >= b.MtimeTicks ? TwoWaySide.Source : TwoWaySide.Destination);
            }

            var won = winner == TwoWaySide.Source ? a : b;
            var lost = winner == TwoWaySide.Source ? b : a;
            _final[key] = new Final(winner, won);
            var conflict = new Conflict(key, a, b, why!, winner.Value, null);
            Conflicts.Add(conflict);
            if (keepBoth)
            {
                _copies.Add(new PendingCopy(conflict, Conflicts.Count - 1, TwoWayNames.Other(winner.Value), lost));
            }
        }

        private (TwoWaySide? Winner, string Why) ByPolicy(Item a, Item b)
        {
            static TwoWaySide? Bigger(long x, long y) => x > y ? TwoWaySide.Source : x < y ? TwoWaySide.Destination : null;
            TwoWaySide? side = policy switch
            {
                ConflictPolicy.Newer or ConflictPolicy.KeepBoth => Bigger(a.MtimeTicks, b.MtimeTicks),
                ConflictPolicy.Older => Bigger(b.MtimeTicks, a.MtimeTicks),
                ConflictPolicy.Larger => Bigger(a.Size, b.Size),
                ConflictPolicy.Smaller => Bigger(b.Size, a.Size),
                ConflictPolicy.Source => TwoWaySide.Source,
                _ => TwoWaySide.Destination,
            };
            var name = listing is null ? "resync: newer" : TwoWayNames.Of(policy);
            return (side, side is null ? $"{name}: a tie keeps both" : policy == ConflictPolicy.KeepBoth ? "keep-both: the newer keeps the name" : $"{name} wins");
        }

        /// <summary>
        /// Makes the final state a tree: every kept key's parent is a directory. A parent that was deleted comes back;
        /// a file where a directory must be is renamed as a conflict copy (the directory keeps the name).
        /// </summary>
        public void MakeTree()
        {
            // A key both sides keep has its parent directory on both sides already: only what is written needs a look.
            foreach (var key in _final.Where(f => f.Value.Origin is not null && f.Key.Contains('/', StringComparison.Ordinal)).Select(f => f.Key).ToList())
            {
                EnsureDirectory(key[..key.LastIndexOf('/')], key);
            }
        }

        private void EnsureDirectory(string key, string child)
        {
            if (_final.TryGetValue(key, out var final) && IsDirectory(key, final))
            {
                return;
            }

            var slash = key.LastIndexOf('/');
            if (slash > 0)
            {
                EnsureDirectory(key[..slash], key);
            }

            var a = _source.GetValueOrDefault(key);
            var b = _destination.GetValueOrDefault(key);
            var side = a?.Kind == ItemKind.Directory ? TwoWaySide.Source : TwoWaySide.Destination;
            var directory = (side == TwoWaySide.Source ? a : b) is { Kind: ItemKind.Directory } d
                ? d
                : new Item(key, ItemKind.Directory, 0, (_source.GetValueOrDefault(child) ?? _destination.GetValueOrDefault(child))?.MtimeTicks ?? 0);
            if (_final.TryGetValue(key, out final) && final.Origin is { } leafSide)
            {
                // A file (or link) where a kept entry needs a directory: the file is renamed, the directory keeps the name.
                var conflict = new Conflict(key, a, b, "a file and a directory: the directory keeps the name", side, null);
                Conflicts.RemoveAll(c => c.Key == key);
                Conflicts.Add(conflict);
                _copies.RemoveAll(c => c.Conflict.Key == key);
                _copies.Add(new PendingCopy(conflict, Conflicts.Count - 1, leafSide, final.Item!));
            }

            _final[key] = new Final(side, directory);
        }

        private bool IsDirectory(string key, Final final) =>
            final.Origin is null ? _source.GetValueOrDefault(key)?.Kind == ItemKind.Directory : final.Item!.Kind == ItemKind.Directory;

        /// <summary>
        /// Gives each losing copy kept by keep-both its name: <c>name.conflict-&lt;side&gt;-&lt;its mtime, UTC&gt;.ext</c>,
        /// with <c>-2</c>, <c>-3</c>, … when that name is taken by something else. The name depends on the copy alone, so
        /// a run that was interrupted after writing it finds it in place next time and writes nothing twice.
        /// </summary>
        public void NameConflictCopies()
        {
            foreach (var copy in _copies)
            {
                var key = copy.Conflict.Key;
                for (var n = 1; ; n++)
                {
                    var name = ConflictNames.For(key, copy.Side, copy.Loser.MtimeTicks, n);
                    var a = _source.GetValueOrDefault(name);
                    var b = _destination.GetValueOrDefault(name);
                    var taken = _final.ContainsKey(name) || a is not null || b is not null;
                    var same = (a is null || QuickSame(a, copy.Loser)) && (b is null || QuickSame(b, copy.Loser));
                    if (taken && !same)
                    {
                        continue;
                    }

                    // Already on both sides (an interrupted run wrote it): nothing to write; on one side: the other gets it.
                    _final[name] = a is not null && b is not null ? Final.Kept : new Final(copy.Side, copy.Loser);
                    Conflicts[copy.Index] = copy.Conflict with { KeptAs = name };
                    break;
                }
            }
        }

        /// <summary>The changes that make <paramref name="side"/> the final tree: deletes deepest first, then writes parents first.</summary>
        public List<Change> ChangesInto(TwoWaySide side)
        {
            var current = Current(side);
            var deletes = new List<Change>();
            var writes = new List<Change>();
            foreach (var (key, final) in _final)
            {
                if (final.Origin is not { } origin || (origin == side && final.Item!.Key == key))
                {
                    continue;
                }

                var want = final.Item!;
                if (!current.TryGetValue(key, out var now))
                {
                    writes.Add(new Change(ChangeKind.Create, key, want, null) { From = origin });
                }
                else if (!QuickSame(now, want))
                {
                    writes.Add(new Change(ChangeKind.Update, key, want, now) { From = origin });
                }
            }

            // A key a side holds ends absent only when the other side deleted it (and no kept entry below it brought it back).
            foreach (var key in _absent)
            {
                if (current.TryGetValue(key, out var now) && !_final.ContainsKey(key))
                {
                    deletes.Add(new Change(ChangeKind.Delete, key, null, now));
                }
            }

            deletes.Sort(KeyOrder.ChildrenFirst);
            writes.Sort(KeyOrder.ParentsFirst);
            return [.. deletes, .. writes];
        }
    }
}
