using System.Text.Json;
using Syncplane.Engine.Process;
using YamlDotNet.RepresentationModel;

namespace Syncplane.Checks;

/// <summary>
/// The services a compose file declares against the containers <c>docker compose ps --format json</c> lists
/// as running, like the seed's Docker Sync: Synced (healthy), OutOfSync with the missing services (degraded),
/// NoManifest when the file does not exist (unknown), Failed when docker or the file fails (down).
/// </summary>
internal sealed class ComposeCheck : ICheck
{
    public string Kind => CheckKinds.Compose;

    public async Task<CheckOutcome> RunAsync(CheckConfig check, CheckContext context, CancellationToken cancellationToken)
    {
        var options = (ComposeCheckOptions)check.Options;
        var details = new Dictionary<string, string> { ["file"] = options.File };
        if (!File.Exists(options.File))
        {
            details["state"] = "NoManifest";
            return new CheckOutcome(CheckStatus.Unknown, $"no compose file at {options.File}", details);
        }

        List<string> declared;
        try
        {
            declared = DeclaredServices(await File.ReadAllTextAsync(options.File, cancellationToken));
        }
        catch (YamlDotNet.Core.YamlException ex)
        {
            return Failed(details, $"{options.File} is not valid YAML: {ex.Message}");
        }

        details["defined"] = string.Join(", ", declared);
        var spec = new ProcessSpec(options.Docker, ["compose", "-f", options.File, "ps", "--format", "json"], Path.GetDirectoryName(options.File)!, new Dictionary<string, string?>(), check.Timeout) { MaxLoggedLines = 0 };
        ProcessResult result;
        try
        {
            result = await context.Processes.RunAsync(spec, DiscardingRunLog.Instance, cancellationToken);
        }
        catch (ProcessStartException ex)
        {
            return Failed(details, $"cannot run docker: {ex.Message}");
        }

        if (!result.Succeeded)
        {
            return Failed(details, $"docker compose ps failed (is the Docker daemon running?): {result.Tail(2).ReplaceLineEndings(" ")}");
        }

        List<string> running;
        try
        {
            running = RunningServices(result.StandardOutput);
        }
        catch (JsonException ex)
        {
            return Failed(details, $"docker compose ps printed something that is not its JSON: {ex.Message}");
        }

        details["running"] = string.Join(", ", running);
        var missing = declared.Where(s => !running.Contains(s, StringComparer.Ordinal)).ToList();
        if (missing.Count > 0)
        {
            details["missing"] = string.Join(", ", missing);
            details["state"] = "OutOfSync";
            return new CheckOutcome(CheckStatus.Degraded, $"{missing.Count} of {declared.Count} service(s) not running: {details["missing"]}", details);
        }

        details["state"] = "Synced";
        return new CheckOutcome(CheckStatus.Healthy, $"all {declared.Count} service(s) running", details);
    }

    /// <summary>The keys of the top-level <c>services</c> mapping.</summary>
    internal static List<string> DeclaredServices(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root
            || !root.Children.TryGetValue(new YamlScalarNode("services"), out var services) || services is not YamlMappingNode map)
        {
            return [];
        }

        return map.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? "").ToList();
    }

    /// <summary>
    /// Services with a running container, from either documented output of <c>docker compose ps --format json</c>:
    /// one JSON object per line (Compose v2.21 and later) or one JSON array (earlier versions).
    /// </summary>
    internal static List<string> RunningServices(string output)
    {
        var text = output.Trim();
        var objects = new List<JsonElement>();
        if (text.StartsWith('['))
        {
            using var array = JsonDocument.Parse(text);
            objects.AddRange(array.RootElement.EnumerateArray().Select(e => e.Clone()));
        }
        else
        {
            foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                using var one = JsonDocument.Parse(line);
                objects.Add(one.RootElement.Clone());
            }
        }

        return objects
            .Where(o => o.ValueKind == JsonValueKind.Object && o.TryGetProperty("Service", out _))
            .Where(o => !o.TryGetProperty("State", out var state) || string.Equals(state.GetString(), "running", StringComparison.OrdinalIgnoreCase))
            .Select(o => o.GetProperty("Service").GetString() ?? "")
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    private static CheckOutcome Failed(Dictionary<string, string> details, string message)
    {
        details["state"] = "Failed";
        return new CheckOutcome(CheckStatus.Down, message, details);
    }
}
