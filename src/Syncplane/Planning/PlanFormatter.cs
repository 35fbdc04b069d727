using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Syncplane.Planning;

/// <summary>Renders a plan for people (a short diff) and for machines (JSON).</summary>
public static class PlanFormatter
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    /// <summary>
    /// One line per change (<c>+ created</c>, <c>~ updated</c>, <c>- deleted</c>; directories end in '/'),
    /// at most <paramref name="maxLines"/> of them followed by "… and N more", then a totals line.
    /// </summary>
    public static string ToText(Plan plan, int maxLines = 50)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.TwoWay is { } twoWay)
        {
            return TwoWayText(plan, twoWay, maxLines);
        }

        var sb = new StringBuilder();
        var shown = Math.Min(Math.Max(maxLines, 0), plan.Changes.Count);
        for (var i = 0; i < shown; i++)
        {
            var change = plan.Changes[i];
            var item = change.Source ?? change.Destination;
            sb.Append(change.Kind switch
            {
                ChangeKind.Create => "+ ",
                ChangeKind.Update => "~ ",
                _ => "- ",
            });
            sb.Append(change.Key);
            if (item?.Kind == ItemKind.Directory)
            {
                sb.Append('/');
            }

            if (change.Kind == ChangeKind.Update && !change.ContentChanged)
            {
                sb.Append(" (metadata)");
            }

            if (change.Fields is { Count: > 0 } fields)
            {
                sb.Append(": ").AppendJoin(", ", fields.Select(f => $"{f.Name} {f.Old} → {f.New}"));
            }

            sb.Append('\n');
        }

        if (plan.Changes.Count - shown + plan.Omitted > 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $"… and {plan.Changes.Count - shown + plan.Omitted} more\n");
        }

        AppendTotals(sb, plan);
        return sb.ToString();
    }

    private static void AppendTotals(StringBuilder sb, Plan plan)
    {
        var s = plan.Summary;
        sb.Append(CultureInfo.InvariantCulture,
            $"{s.Creates} to create, {s.Updates} to update, {s.Deletes} to delete, {s.Unchanged} unchanged, {FormatBytes(s.BytesToWrite)} to write");
        if (plan.TwoWay is { Conflicts.Count: > 0 } twoWay)
        {
            sb.Append(CultureInfo.InvariantCulture, $", {twoWay.Conflicts.Count} conflict(s)");
        }

        sb.Append('\n');
    }

    /// <summary>A two-way plan: the changes into each side (each under its heading), then every conflict and how it is settled.</summary>
    private static string TwoWayText(Plan plan, TwoWay.TwoWayPlan twoWay, int maxLines)
    {
        var sb = new StringBuilder();
        if (twoWay.Resync)
        {
            sb.Append("resync: the union of both sides, the newer copy wins where they differ\n");
        }

        foreach (var (heading, changes) in new[] { ("into the destination (from the source):", twoWay.IntoDestination), ("into the source (from the destination):", twoWay.IntoSource) })
        {
            if (changes.Count == 0)
            {
                continue;
            }

            sb.Append(heading).Append('\n');
            foreach (var change in changes.Take(Math.Max(maxLines, 0)))
            {
                var item = change.Source ?? change.Destination!;
                sb.Append("  ").Append(change.Kind switch { ChangeKind.Create => "+ ", ChangeKind.Update => "~ ", _ => "- " }).Append(change.Key);
                sb.Append(item.Kind == ItemKind.Directory ? "/" : "");
                if (change.Source is { } from && from.Key != change.Key)
                {
                    sb.Append(CultureInfo.InvariantCulture, $" (the {TwoWay.TwoWayNames.Of(change.From!.Value)}'s {from.Key}, kept by keep-both)");
                }

                sb.Append('\n');
            }

            if (changes.Count > maxLines)
            {
                sb.Append(CultureInfo.InvariantCulture, $"  … and {changes.Count - maxLines} more\n");
            }
        }

        if (twoWay.Conflicts.Count > 0)
        {
            sb.Append("conflicts:\n");
            foreach (var conflict in twoWay.Conflicts.Take(Math.Max(maxLines, 0)))
            {
                sb.Append("  ! ").Append(TwoWay.TwoWayText.Describe(conflict)).Append('\n');
            }

            if (twoWay.Conflicts.Count > maxLines)
            {
                sb.Append(CultureInfo.InvariantCulture, $"  … and {twoWay.Conflicts.Count - maxLines} more\n");
            }
        }

        AppendTotals(sb, plan);
        return sb.ToString();
    }

    /// <summary>
    /// The keys of each change kind and the summary, with snake_case names; for a record plan also
    /// <c>changed_fields</c> (key → field → <c>{ old, new }</c>) and <c>omitted</c> (changes counted but not listed).
    /// </summary>
    public static string ToJson(Plan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var dto = new PlanJson(
            Keys(plan, ChangeKind.Create),
            Keys(plan, ChangeKind.Update),
            Keys(plan, ChangeKind.Delete),
            new SummaryJson(plan.Summary.Creates, plan.Summary.Updates, plan.Summary.Deletes, plan.Summary.Unchanged, plan.Summary.BytesToWrite, plan.Summary.Total),
            plan.SourceRevision,
            ChangedFields(plan),
            plan.Omitted > 0 ? plan.Omitted : null,
            plan.TwoWay is { } t ? SideJson.Of(t.IntoSource) : null,
            plan.TwoWay is { } u ? SideJson.Of(u.IntoDestination) : null,
            plan.TwoWay?.Conflicts.Select(ConflictJson.Of).ToList());
        return JsonSerializer.Serialize(dto, JsonOptions);
    }

    private static Dictionary<string, Dictionary<string, FieldJson>>? ChangedFields(Plan plan)
    {
        var updates = plan.Changes.Where(c => c.Fields is not null).ToList();
        return updates.Count == 0 ? null : updates.ToDictionary(
            c => c.Key,
            c => c.Fields!.ToDictionary(f => f.Name, f => new FieldJson(JsonNode.Parse(f.Old), JsonNode.Parse(f.New)), StringComparer.Ordinal),
            StringComparer.Ordinal);
    }

    internal static string FormatBytes(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KiB"),
        < 1024L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024 * 1024):0.##} GiB"),
    };

    private static List<string> Keys(Plan plan, ChangeKind kind) =>
        plan.Changes.Where(c => c.Kind == kind).Select(c => c.Key).ToList();

    private sealed record PlanJson(
        List<string> Creates,
        List<string> Updates,
        List<string> Deletes,
        SummaryJson Summary,
        string? SourceRevision,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Dictionary<string, Dictionary<string, FieldJson>>? ChangedFields,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Omitted,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] SideJson? IntoSource,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] SideJson? IntoDestination,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] List<ConflictJson>? Conflicts);

    /// <summary>The changes into one side of a two-way plan.</summary>
    private sealed record SideJson(List<string> Creates, List<string> Updates, List<string> Deletes)
    {
        public static SideJson Of(IReadOnlyList<Change> changes) => new(
            changes.Where(c => c.Kind == ChangeKind.Create).Select(c => c.Key).ToList(),
            changes.Where(c => c.Kind == ChangeKind.Update).Select(c => c.Key).ToList(),
            changes.Where(c => c.Kind == ChangeKind.Delete).Select(c => c.Key).ToList());
    }

    private sealed record ConflictJson(string Key, string Winner, string Resolution, string? KeptAs, VersionJson? Source, VersionJson? Destination)
    {
        public static ConflictJson Of(TwoWay.Conflict c) => new(
            c.Key, TwoWay.TwoWayNames.Of(c.Winner), c.Resolution, c.KeptAs, VersionJson.Of(c.Source), VersionJson.Of(c.Destination));
    }

    private sealed record VersionJson(string Kind, long Size, DateTime Mtime)
    {
        public static VersionJson? Of(Item? item) =>
            item is null ? null : new(item.Kind.ToString().ToLowerInvariant(), item.Size, new DateTime(item.MtimeTicks, DateTimeKind.Utc));
    }

    private sealed record FieldJson(JsonNode? Old, JsonNode? New);

    private sealed record SummaryJson(int Creates, int Updates, int Deletes, int Unchanged, long BytesToWrite, int Total);
}
