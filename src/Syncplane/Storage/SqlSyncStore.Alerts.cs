using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Syncplane.Alerts;
using Syncplane.Events;

namespace Syncplane.Storage;

internal abstract partial class SqlSyncStore
{
    private const string AlertColumns = "id, rule, subject, kind, state, since, value, severity, notified, acked_by, acked_at, version";

    /// <inheritdoc />
    public async Task<AlertState> EnsureAlertStateAsync(string rule, string subject, string kind, string severity, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        if (await ReadAlertAsync(connection, null, "rule = @rule AND subject = @subject", cancellationToken, ("@rule", rule), ("@subject", subject)) is { } existing)
        {
            return existing;
        }

        await using (var transaction = await BeginWriteAsync(connection, cancellationToken))
        {
            await using var insert = Command(transaction,
                "INSERT INTO alert_states (rule, subject, kind, state, since, severity) VALUES (@rule, @subject, @kind, @state, @now, @severity) ON CONFLICT DO NOTHING");
            Add(insert, "@rule", rule);
            Add(insert, "@subject", subject);
            Add(insert, "@kind", kind);
            Add(insert, "@state", AlertStates.Ok);
            Add(insert, "@now", ToDbTime(Time.GetUtcNow()));
            Add(insert, "@severity", severity);
            await insert.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        return (await ReadAlertAsync(connection, null, "rule = @rule AND subject = @subject", cancellationToken, ("@rule", rule), ("@subject", subject)))!;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AlertState>> ListAlertStatesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = Command(connection, $"SELECT {AlertColumns} FROM alert_states ORDER BY rule, subject");
        return await ReadAlertsAsync(query, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<AlertState?> GetAlertStateAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await ReadAlertAsync(connection, null, "id = @id", cancellationToken, ("@id", id));
    }

    /// <inheritdoc />
    public async Task<bool> TransitionAlertAsync(AlertTransition transition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transition);
        var now = Time.GetUtcNow();
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        var before = await ReadAlertAsync(connection, transaction, "id = @id", cancellationToken, ("@id", transition.AlertId));
        if (before is null || before.Version != transition.ExpectedVersion)
        {
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }

        var clearsAck = transition.NewState != AlertStates.Firing;
        await using (var update = Command(transaction,
            "UPDATE alert_states SET state = @state, since = @now, value = @value, notified = @notified, version = version + 1" +
            (clearsAck ? ", acked_by = NULL, acked_at = NULL" : "") +
            " WHERE id = @id AND version = @version"))
        {
            Add(update, "@state", transition.NewState);
            Add(update, "@now", ToDbTime(now));
            Add(update, "@value", transition.Value);
            Add(update, "@notified", transition.Notified);
            Add(update, "@id", transition.AlertId);
            Add(update, "@version", transition.ExpectedVersion);
            if (await update.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                await transaction.RollbackAsync(cancellationToken);
                return false;
            }
        }

        await AddAlertHistoryAsync(transaction, before, now, transition.Transition, transition.Value, transition.Message, cancellationToken);
        foreach (var (notifier, payload) in transition.Deliveries)
        {
            await using var insert = Command(transaction,
                "INSERT INTO alert_outbox (alert_id, notifier, transition, payload, created_at, due_at) VALUES (@alert, @notifier, @transition, @payload, @now, @now)");
            Add(insert, "@alert", transition.AlertId);
            Add(insert, "@notifier", notifier);
            Add(insert, "@transition", transition.Transition);
            Add(insert, "@payload", payload);
            Add(insert, "@now", ToDbTime(now));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        var data = AlertEventData(before, transition.NewState, transition.Value, transition.Message);
        data["previous"] = before.State;
        data["notified"] = transition.Deliveries.Count > 0;
        await AppendEventAsync(transaction, AlertEvent(before, transition.Transition, data), cancellationToken);
        await CommitWithEventsAsync(transaction, cancellationToken);
        return true;
    }

    /// <inheritdoc />
    public async Task<bool> AcknowledgeAlertAsync(long id, string by, CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        await using (var update = Command(transaction,
            "UPDATE alert_states SET acked_by = @by, acked_at = @now, version = version + 1 WHERE id = @id AND state = @firing"))
        {
            Add(update, "@by", by);
            Add(update, "@now", ToDbTime(now));
            Add(update, "@id", id);
            Add(update, "@firing", AlertStates.Firing);
            if (await update.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                await transaction.RollbackAsync(cancellationToken);
                return false;
            }
        }

        var alert = (await ReadAlertAsync(connection, transaction, "id = @id", cancellationToken, ("@id", id)))!;
        var message = $"acknowledged by {by}";
        await AddAlertHistoryAsync(transaction, alert, now, AlertTransitions.Acknowledged, alert.Value, message, cancellationToken);
        var data = AlertEventData(alert, alert.State, alert.Value, message);
        data["acked_by"] = by;
        await AppendEventAsync(transaction, AlertEvent(alert, AlertTransitions.Acknowledged, data), cancellationToken);
        await CommitWithEventsAsync(transaction, cancellationToken);
        return true;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AlertHistoryEntry>> ListAlertHistoryAsync(long? alertId, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = Command(connection,
            "SELECT id, alert_id, at, rule, subject, transition, value, message FROM alert_history" +
            (alertId is null ? "" : " WHERE alert_id = @alert") + " ORDER BY id DESC LIMIT @limit");
        if (alertId is { } alert)
        {
            Add(query, "@alert", alert);
        }

        Add(query, "@limit", limit);
        var entries = new List<AlertHistoryEntry>();
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new AlertHistoryEntry(reader.GetInt64(0), reader.GetInt64(1), ReadTime(reader, 2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetDouble(6), reader.GetString(7)));
        }

        return entries;
    }

    /// <inheritdoc />
    public async Task<AlertSilence> AddAlertSilenceAsync(
        IReadOnlyDictionary<string, string> matchers, DateTimeOffset until, string createdBy, string comment, CancellationToken cancellationToken)
    {
        var now = ToMicroseconds(Time.GetUtcNow());
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        await using var insert = Command(transaction,
            "INSERT INTO alert_silences (matchers, until, created_by, comment, created_at) VALUES (@matchers, @until, @by, @comment, @now) RETURNING id");
        Add(insert, "@matchers", JsonSerializer.Serialize(matchers));
        Add(insert, "@until", ToDbTime(until));
        Add(insert, "@by", createdBy);
        Add(insert, "@comment", comment);
        Add(insert, "@now", ToDbTime(now));
        var id = Convert.ToInt64(await insert.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        var silence = new AlertSilence(id, matchers, ToMicroseconds(until), createdBy, comment, now);
        var data = new JsonObject
        {
            ["id"] = id,
            ["matchers"] = JsonSerializer.SerializeToNode(matchers),
            ["until"] = UtcTimestamps.Text(silence.Until),
            ["created_by"] = createdBy,
            ["comment"] = comment,
        };
        await AppendEventAsync(transaction, new NewEvent("alert.silenced", null, null, data), cancellationToken);
        await CommitWithEventsAsync(transaction, cancellationToken);
        return silence;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AlertSilence>> ListAlertSilencesAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = Command(connection,
            "SELECT id, matchers, until, created_by, comment, created_at FROM alert_silences WHERE until > @at ORDER BY id");
        Add(query, "@at", ToDbTime(at));
        var silences = new List<AlertSilence>();
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            silences.Add(new AlertSilence(reader.GetInt64(0), JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(1)) ?? [],
                ReadTime(reader, 2), reader.GetString(3), reader.GetString(4), ReadTime(reader, 5)));
        }

        return silences;
    }

    private async Task AddAlertHistoryAsync(
        DbTransaction transaction, AlertState alert, DateTimeOffset now, string transition, double? value, string message, CancellationToken cancellationToken)
    {
        await using var history = Command(transaction,
            "INSERT INTO alert_history (alert_id, at, rule, subject, transition, value, message) VALUES (@alert, @now, @rule, @subject, @transition, @value, @message)");
        Add(history, "@alert", alert.Id);
        Add(history, "@now", ToDbTime(now));
        Add(history, "@rule", alert.Rule);
        Add(history, "@subject", alert.Subject);
        Add(history, "@transition", transition);
        Add(history, "@value", value);
        Add(history, "@message", message);
        await history.ExecuteNonQueryAsync(cancellationToken);
    }

    private static JsonObject AlertEventData(AlertState alert, string state, double? value, string message) => new()
    {
        ["id"] = alert.Id,
        ["rule"] = alert.Rule,
        [alert.Kind] = alert.Subject,
        ["state"] = state,
        ["severity"] = alert.Severity,
        ["value"] = value,
        ["message"] = message,
    };

    private static NewEvent AlertEvent(AlertState alert, string transition, JsonObject data) =>
        new($"alert.{transition}", alert.Kind == "target" ? alert.Subject : null, null, data);

    private async Task<AlertState?> ReadAlertAsync(
        DbConnection connection, DbTransaction? transaction, string where, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var query = Command(connection, $"SELECT {AlertColumns} FROM alert_states WHERE {where}");
        query.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            Add(query, name, value);
        }

        var alerts = await ReadAlertsAsync(query, cancellationToken);
        return alerts.Count == 0 ? null : alerts[0];
    }

    private async Task<IReadOnlyList<AlertState>> ReadAlertsAsync(DbCommand query, CancellationToken cancellationToken)
    {
        var alerts = new List<AlertState>();
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            alerts.Add(new AlertState(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), ReadTime(reader, 5),
                reader.IsDBNull(6) ? null : reader.GetDouble(6), reader.GetString(7), reader.GetBoolean(8),
                reader.IsDBNull(9) ? null : reader.GetString(9), reader.IsDBNull(10) ? null : ReadTime(reader, 10), reader.GetInt64(11)));
        }

        return alerts;
    }
}
