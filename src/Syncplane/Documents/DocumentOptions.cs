namespace Syncplane.Documents;

/// <summary>Options of the <c>document</c> destination (<c>destination: { document: { name, groups, group_by, ttl, path } }</c>).</summary>
internal sealed record DocumentOptions
{
    /// <summary>The record field whose value picks a record's group. <value>assetType</value></summary>
    public const string DefaultGroupBy = "assetType";

    /// <summary>The group that holds every record when no <c>groups</c> are declared.</summary>
    public const string AllRecords = "records";

    /// <summary>The document's name in the API; null for the target's name. <value>the target's name</value></summary>
    public string? Name { get; init; }

    /// <summary>Groups in config order, each with the <see cref="GroupBy"/> values it takes; empty puts every record in <see cref="AllRecords"/>.</summary>
    public IReadOnlyList<DocumentGroup> Groups { get; init; } = [];

    /// <summary>The field (or dotted path) compared with the groups' values. <value>assetType</value></summary>
    public string GroupBy { get; init; } = DefaultGroupBy;

    /// <summary>How long after its last full sync the document is served as fresh; older, it is <c>stale</c>. <value>1h</value></summary>
    public TimeSpan Ttl { get; init; } = TimeSpan.FromHours(1);

    /// <summary>A file the document is also written to (atomically), relative to the config's root; null writes none.</summary>
    public string? Path { get; init; }

    /// <summary>The group names, in config order.</summary>
    public IReadOnlyList<string> GroupNames => Groups.Count == 0 ? [AllRecords] : [.. Groups.Select(g => g.Name)];
}

/// <summary>A named group of a document and the <c>group_by</c> values it takes.</summary>
internal sealed record DocumentGroup(string Name, IReadOnlyList<string> Values);
