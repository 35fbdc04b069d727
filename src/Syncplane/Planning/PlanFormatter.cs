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

        var s = plan.Summary;
        sb.Append(CultureInfo.InvariantCulture,
            $"{s.Creates} to create, {s.Updates} to update, {s.Deletes} to delete, {s.Unchanged} unchanged, {FormatBytes(s.BytesToWrite)} to write\n");
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
            plan.Omitted > 0 ? plan.Omitted : null);
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
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Omitted);

    private sealed record FieldJson(JsonNode? Old, JsonNode? New);

    private sealed record SummaryJson(int Creates, int Updates, int Deletes, int Unchanged, long BytesToWrite, int Total);
}
