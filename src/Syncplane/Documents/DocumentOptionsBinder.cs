using System.Text.RegularExpressions;
using Syncplane.Config;

namespace Syncplane.Documents;

/// <summary>Reads and validates <see cref="DocumentOptions"/>.</summary>
internal static partial class DocumentOptionsBinder
{
    /// <summary>Top-level fields of the document itself, so no group may take their names.</summary>
    public static readonly string[] ReservedNames = ["last_sync", "updated_at", "source_revision", "counts"];

    public static DocumentOptions? Bind(ConfigNode node, ConfigReader reader)
    {
        var errors = reader.Errors.Count;
        if (!reader.Mapping(node, "the document connector", "name", "groups", "group_by", "ttl", "path"))
        {
            return null;
        }

        var name = reader.Text(node, "name");
        if (name is not null && !NameRegex().IsMatch(name))
        {
            reader.Error(node["name"]!, $"document name '{name}' may only contain letters, digits, '_', '-' and '.', and must start with a letter or digit");
        }

        var groupBy = reader.Text(node, "group_by") ?? DocumentOptions.DefaultGroupBy;
        if (string.IsNullOrWhiteSpace(groupBy))
        {
            reader.Error(node["group_by"]!, "'group_by' must name a record field, such as group_by: assetType");
        }

        var ttl = reader.Duration(node, "ttl") ?? TimeSpan.FromHours(1);

        var path = reader.Text(node, "path");
        if (path is not null && string.IsNullOrWhiteSpace(path))
        {
            reader.Error(node["path"]!, "'path' must name a file, such as path: portal/public/infrastructure-state.json");
        }

        var groups = Groups(node["groups"], reader);
        return reader.Errors.Count > errors ? null : new DocumentOptions { Name = name, Groups = groups, GroupBy = groupBy, Ttl = ttl, Path = path };
    }

    private static List<DocumentGroup> Groups(ConfigNode? node, ConfigReader reader)
    {
        var groups = new List<DocumentGroup>();
        if (node is null || node.IsNull || !reader.IsMapping(node, "'groups'"))
        {
            return groups;
        }

        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in node.Entries)
        {
            var group = key.Value ?? "";
            if (!GroupRegex().IsMatch(group) || ReservedNames.Contains(group, StringComparer.Ordinal))
            {
                reader.Error(key, $"group name '{group}' must be letters, digits and '_' starting with a letter, and not one of the document's own fields ({string.Join(", ", ReservedNames)})");
                continue;
            }

            var values = reader.StringList(node, group);
            if (values.Count == 0 || values.Any(string.IsNullOrWhiteSpace))
            {
                reader.Error(value, $"group '{group}' must list one or more values of the group_by field, such as {group}: compute.googleapis.com/Network");
                continue;
            }

            foreach (var taken in values)
            {
                if (!owners.TryAdd(taken, group))
                {
                    reader.Error(value, $"'{taken}' is in groups '{owners[taken]}' and '{group}'; a record belongs to one group");
                }
            }

            groups.Add(new DocumentGroup(group, values));
        }

        if (node.Entries.Count == 0)
        {
            reader.Error(node, "'groups' is empty; name at least one group, or leave 'groups' out to put every record in 'records'");
        }

        return groups;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
    private static partial Regex NameRegex();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]*$")]
    private static partial Regex GroupRegex();
}
