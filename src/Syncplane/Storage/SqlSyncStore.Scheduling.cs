using System.Data.Common;

namespace Syncplane.Storage;

internal abstract partial class SqlSyncStore
{
    /// <summary>Firings older than this before a new one are pruned: only recent slots can be fired twice.</summary>
    private static readonly TimeSpan FiringRetention = TimeSpan.FromDays(7);

    /// <inheritdoc />
    public async Task<bool> TryAcquireLeaseAsync(string name, string holder, TimeSpan duration, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(holder);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        var now = Time.GetUtcNow();
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        await using var take = Command(transaction,
            "INSERT INTO leases (name, holder, expires_at) VALUES (@name, @holder, @expires) " +
            "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at " +
            "WHERE leases.holder = excluded.holder OR leases.expires_at <= @now RETURNING holder");
        Add(take, "@name", name);
        Add(take, "@holder", holder);
        Add(take, "@expires", ToDbTime(now + duration));
        Add(take, "@now", ToDbTime(now));
        var taken = await take.ExecuteScalarAsync(cancellationToken) is string;
        await transaction.CommitAsync(cancellationToken);
        return taken;
    }

    /// <inheritdoc />
    public async Task<bool> RecordFiringAsync(string target, DateTimeOffset slot, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        bool recorded;
        await using (var insert = Command(transaction,
            "INSERT INTO firings (target, slot, fired_at) VALUES (@target, @slot, @now) ON CONFLICT (target, slot) DO NOTHING"))
        {
            Add(insert, "@target", target);
            Add(insert, "@slot", ToDbTime(slot));
            Add(insert, "@now", ToDbTime(Time.GetUtcNow()));
            recorded = await insert.ExecuteNonQueryAsync(cancellationToken) == 1;
        }

        if (recorded)
        {
            await using var prune = Command(transaction, "DELETE FROM firings WHERE target = @target AND slot < @cutoff");
            Add(prune, "@target", target);
            Add(prune, "@cutoff", ToDbTime(slot - FiringRetention));
            await prune.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return recorded;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, DateTimeOffset>> GetLastFiringsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = Command(connection, "SELECT target, MAX(slot) FROM firings GROUP BY target");
        var last = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            last[reader.GetString(0)] = ReadTime(reader, 1);
        }

        return last;
    }

    /// <inheritdoc />
    public Task SetFrequencyOverrideAsync(string target, string? schedule, CancellationToken cancellationToken) =>
        SetTargetSettingAsync(target, "frequency_override", schedule, cancellationToken);

    /// <inheritdoc />
    public Task SetPausedAsync(string target, string? reason, CancellationToken cancellationToken) =>
        SetTargetSettingAsync(target, "paused_reason", reason, cancellationToken);

    /// <param name="column">A column of <c>target_settings</c>; a constant, never user input.</param>
    private async Task SetTargetSettingAsync(string target, string column, string? value, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        await using var upsert = Command(transaction,
            $"INSERT INTO target_settings (target, {column}, updated_at) VALUES (@target, @value, @now) " +
            $"ON CONFLICT (target) DO UPDATE SET {column} = excluded.{column}, updated_at = excluded.updated_at");
        Add(upsert, "@target", target);
        Add(upsert, "@value", value);
        Add(upsert, "@now", ToDbTime(Time.GetUtcNow()));
        await upsert.ExecuteNonQueryAsync(cancellationToken);
        var setting = column == "frequency_override" ? "frequency" : "paused_reason";
        await AppendEventAsync(transaction, new Events.NewEvent(Events.EventTypes.TargetSettingsChanged, target, null,
            new System.Text.Json.Nodes.JsonObject { ["target"] = target, ["setting"] = setting, ["value"] = value }), cancellationToken);
        await CommitWithEventsAsync(transaction, cancellationToken);
    }

    private static int ReadCount(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? 0 : Convert.ToInt32(reader.GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture);
}
