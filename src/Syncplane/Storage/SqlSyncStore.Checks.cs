using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Syncplane.Checks;

namespace Syncplane.Storage;

internal abstract partial class SqlSyncStore
{
    private const string CheckColumns = "name, kind, status, latency_ms, message, details, checked_at";

    /// <inheritdoc />
    public async Task RecordCheckResultAsync(CheckResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentException.ThrowIfNullOrEmpty(result.Name);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        await using var insert = Command(transaction,
            $"INSERT INTO check_results ({CheckColumns}) VALUES (@name, @kind, @status, @latency, @message, @details, @at)");
        Add(insert, "@name", result.Name);
        Add(insert, "@kind", result.Kind);
        Add(insert, "@status", result.Status.ToText());
        Add(insert, "@latency", result.LatencyMs);
        Add(insert, "@message", result.Message);
        Add(insert, "@details", JsonSerializer.Serialize(result.Details));
        Add(insert, "@at", ToDbTime(result.CheckedAt));
        await insert.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<CheckResult>> ListLatestCheckResultsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = Command(connection,
            $"SELECT {CheckColumns} FROM check_results WHERE id IN (SELECT MAX(id) FROM check_results GROUP BY name) ORDER BY name");
        return await ReadCheckResultsAsync(query, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<CheckResult>> ListCheckResultsAsync(string name, DateTimeOffset? since, int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = Command(connection,
            $"SELECT {CheckColumns} FROM check_results WHERE name = @name" +
            (since is null ? "" : " AND checked_at >= @since") +
            " ORDER BY id DESC LIMIT @limit");
        Add(query, "@name", name);
        if (since is { } from)
        {
            Add(query, "@since", ToDbTime(from));
        }

        Add(query, "@limit", limit);
        return await ReadCheckResultsAsync(query, cancellationToken);
    }

    private async Task<IReadOnlyList<CheckResult>> ReadCheckResultsAsync(DbCommand query, CancellationToken cancellationToken)
    {
        var results = new List<CheckResult>();
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            results.Add(new CheckResult
            {
                Name = reader.GetString(0),
                Kind = reader.GetString(1),
                Status = CheckStatusText.Parse(reader.GetString(2)),
                LatencyMs = Convert.ToInt64(reader.GetValue(3), CultureInfo.InvariantCulture),
                Message = reader.GetString(4),
                Details = JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(5)) ?? [],
                CheckedAt = ReadTime(reader, 6),
            });
        }

        return results;
    }
}
