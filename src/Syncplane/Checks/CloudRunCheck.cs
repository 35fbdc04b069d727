using System.Text.Json;
using Syncplane.Engine.Process;

namespace Syncplane.Checks;

/// <summary>
/// A Cloud Run service through <c>gcloud</c>, like the seed's GCP Sync: <c>Synced</c> when the service is deployed
/// and ready (healthy, with its URL and latest revision), <c>NotDeployed</c> when it does not exist (down),
/// <c>NotConfigured</c> when no project is set (unknown: nothing to check), <c>Failed</c> otherwise (down).
/// </summary>
internal sealed class CloudRunCheck : ICheck
{
    // What gcloud says when the service does not exist (its own wording, and the API's status).
    private static readonly string[] NotFound = ["Cannot find service", "could not be found", "NOT_FOUND"];

    public string Kind => CheckKinds.CloudRun;

    public async Task<CheckOutcome> RunAsync(CheckConfig check, CheckContext context, CancellationToken cancellationToken)
    {
        var options = (CloudRunCheckOptions)check.Options;
        var details = new Dictionary<string, string> { ["service"] = options.Service };
        async Task<ProcessResult> Gcloud(params string[] arguments) => await context.Processes.RunAsync(
            new ProcessSpec(options.Gcloud, arguments, options.WorkingDirectory, new Dictionary<string, string?>(), check.Timeout) { MaxLoggedLines = 0 },
            DiscardingRunLog.Instance,
            cancellationToken);

        try
        {
            var project = options.Project;
            if (project is null)
            {
                var configured = (await Gcloud("config", "get-value", "project")).StandardOutput.Trim();
                project = configured is "" or "(unset)" ? null : configured;
            }

            if (project is null)
            {
                details["state"] = "NotConfigured";
                return new CheckOutcome(CheckStatus.Unknown, "no GCP project is set: run gcloud config set project ID, or give the check a project", details);
            }

            details["project"] = project;
            string[] describe = ["run", "services", "describe", options.Service, "--project", project, "--format", "json"];
            var result = await Gcloud(options.Region is { } region ? [.. describe, "--region", region] : describe);
            if (!result.Succeeded)
            {
                var why = result.Tail(2).ReplaceLineEndings(" ");
                return NotFound.Any(text => why.Contains(text, StringComparison.OrdinalIgnoreCase))
                    ? State(CheckStatus.Down, "NotDeployed", $"Cloud Run service {options.Service} is not deployed in {project}", details)
                    : State(CheckStatus.Down, "Failed", $"gcloud run services describe failed: {why}", details);
            }

            return Describe(options, result.StandardOutput, details);
        }
        catch (ProcessStartException ex)
        {
            return State(CheckStatus.Down, "Failed", $"cannot run gcloud: {ex.Message}", details);
        }
    }

    private static CheckOutcome Describe(CloudRunCheckOptions options, string json, Dictionary<string, string> details)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var status = document.RootElement.TryGetProperty("status", out var s) ? s : default;
            details["url"] = Text(status, "url") ?? "";
            details["latest_revision"] = Text(status, "latestReadyRevisionName") ?? "";
            var ready = status.ValueKind == JsonValueKind.Object && status.TryGetProperty("conditions", out var conditions) && conditions.ValueKind == JsonValueKind.Array
                ? conditions.EnumerateArray().FirstOrDefault(c => Text(c, "type") == "Ready")
                : default;
            if (ready.ValueKind == JsonValueKind.Object && Text(ready, "status") != "True")
            {
                return State(CheckStatus.Down, "Failed", $"Cloud Run service {options.Service} is not ready: {Text(ready, "message") ?? Text(ready, "reason")}", details);
            }

            return State(CheckStatus.Healthy, "Synced", $"Cloud Run service {options.Service} is deployed at {details["url"]} (revision {details["latest_revision"]})", details);
        }
        catch (JsonException ex)
        {
            return State(CheckStatus.Down, "Failed", $"gcloud printed something that is not the service's JSON: {ex.Message}", details);
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static CheckOutcome State(CheckStatus status, string state, string message, Dictionary<string, string> details)
    {
        details["state"] = state;
        return new CheckOutcome(status, message, details);
    }
}
