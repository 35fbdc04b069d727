using System.Text.Json;
using Syncplane.Planning;

namespace Syncplane.Connectors;

/// <summary>A connector type whose source reads records (<see cref="IRecordSource"/>), so it can feed a record destination.</summary>
internal interface IRecordSourceFactory;

/// <summary>A source that reads JSON records (the <c>http</c> and <c>gcp_assets</c> sources), streamed so a run never holds them all.</summary>
internal interface IRecordSource
{
    /// <summary>The record fields that identify a record (the <c>key</c> option).</summary>
    IReadOnlyList<string> Key { get; }

    /// <summary>
    /// The records in the order the upstream sends them. Each <see cref="SourceRecord.Value"/> is valid only until the
    /// enumeration moves on (its page's JSON is released); a failed page ends the enumeration with its exception.
    /// </summary>
    IAsyncEnumerable<SourceRecord> ReadAsync(CancellationToken cancellationToken);
}

/// <summary>One record and where it came from ("record 3 of page 2 (URL)"), for error messages.</summary>
internal readonly struct SourceRecord
{
    private readonly string? _where;

    public SourceRecord(JsonElement value, string where)
    {
        Value = value;
        _where = where;
    }

    /// <summary>The <paramref name="index"/>th record (from 1) of <paramref name="page"/> ("page 2 (URL)"): <see cref="Where"/> is formed only when asked, not for every record.</summary>
    public SourceRecord(JsonElement value, string page, int index)
    {
        Value = value;
        Page = page;
        Index = index;
    }

    public JsonElement Value { get; }

    /// <summary>The page the record came from, shared by its records; null when the source named the record with a whole <see cref="Where"/>.</summary>
    public string? Page { get; }

    /// <summary>The record's position (from 1) in <see cref="Page"/>.</summary>
    public int Index { get; }

    public string Where => _where ?? Of(Page!, Index);

    public void Deconstruct(out JsonElement value, out string where)
    {
        value = Value;
        where = Where;
    }

    /// <summary>"record 3 of page 2 (URL)".</summary>
    public static string Of(string page, int index) => $"record {index} of {page}";
}

/// <summary>A connector type whose destination stores records (rows) rather than items (files).</summary>
internal interface IRecordDestinationFactory
{
    IRecordDestination CreateRecordDestination(object options, ConnectorContext context);
}

/// <summary>A destination that stores records: the run compares them with what it holds and writes the difference.</summary>
internal interface IRecordDestination
{
    /// <summary>
    /// Opens one run against the destination: nothing is visible to others until <see cref="IRecordRun.ApplyAsync"/>
    /// commits, and disposing before leaves the destination as it was.
    /// </summary>
    /// <param name="key">The record fields that identify a record.</param>
    /// <param name="write">False for a dry run: compare and plan, write nothing.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    Task<IRecordRun> OpenAsync(IReadOnlyList<string> key, bool write, CancellationToken cancellationToken);
}

/// <summary>One run of a record destination (see <see cref="IRecordDestination.OpenAsync"/>).</summary>
internal interface IRecordRun : IAsyncDisposable
{
    /// <summary>Records held before the run (what <c>max_delete</c> percentages are taken of).</summary>
    long ExistingCount { get; }

    /// <summary>Compares every record with what the destination holds; writes nothing yet.</summary>
    /// <returns>The plan: exact counts, and the first changes in detail (the fields that changed, old → new).</returns>
    Task<Plan> PlanAsync(IAsyncEnumerable<SourceRecord> records, CancellationToken cancellationToken);

    /// <summary>Writes the plan (schema changes, then rows) and commits, all in the run's one transaction.</summary>
    Task ApplyAsync(CancellationToken cancellationToken);
}
