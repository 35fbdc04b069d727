using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Syncplane.Tests.Support;

/// <summary>
/// Runs a GitHub Actions workflow file's job as a runner would, as far as a test can: each <c>run:</c> step in order with
/// <c>bash -e -o pipefail</c> in the workspace, the workflow's <c>env</c> with its <c>${{ }}</c> expressions evaluated
/// (only <c>a || b || 'literal'</c> over the given contexts), GITHUB_PATH honoured between steps. <c>uses:</c> steps are
/// recorded, not run.
/// </summary>
internal sealed partial class GitHubWorkflow
{
    private readonly YamlMappingNode _root;

    public GitHubWorkflow(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            stream.Load(reader);
        }

        _root = (YamlMappingNode)stream.Documents[0].RootNode;
    }

    public YamlMappingNode Root => _root;

    public YamlMappingNode Job(string name) => (YamlMappingNode)((YamlMappingNode)_root["jobs"])[name];

    public static IReadOnlyList<YamlMappingNode> Steps(YamlMappingNode job) => [.. ((YamlSequenceNode)job["steps"]).Children.Cast<YamlMappingNode>()];

    public static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlScalarNode)value).Value : null;

    /// <summary>The workflow's top-level <c>env</c>, evaluated over <paramref name="context"/> (e.g. "inputs.target" → "docs-*").</summary>
    public Dictionary<string, string> Environment(IReadOnlyDictionary<string, string> context) =>
        ((YamlMappingNode)_root["env"]).Children.ToDictionary(e => ((YamlScalarNode)e.Key).Value!, e => Evaluate(((YamlScalarNode)e.Value).Value!, context));

    /// <summary>Replaces every <c>${{ a || b || 'c' }}</c> with its first truthy operand (the last one when none is).</summary>
    public static string Evaluate(string text, IReadOnlyDictionary<string, string> context) => Expression().Replace(text, m =>
    {
        var values = m.Groups["expr"].Value.Split("||").Select(o => o.Trim()).Select(o =>
            o.StartsWith('\'') ? o.Trim('\'') : o is "true" or "false" ? o : context.GetValueOrDefault(o, "")).ToList();
        return values.FirstOrDefault(v => v.Length > 0 && v != "false") ?? values[^1];
    });

    /// <summary>Runs every <c>run:</c> step of <paramref name="job"/>; returns the names of the steps and each one's result.</summary>
    public static async Task<List<(string Name, SyncplaneCli.Result? Result)>> RunAsync(
        YamlMappingNode job, string workspace, Dictionary<string, string?> environment, string scratch)
    {
        var results = new List<(string, SyncplaneCli.Result?)>();
        var githubPath = environment["GITHUB_PATH"]!;
        var steps = Steps(job);
        for (var i = 0; i < steps.Count; i++)
        {
            var name = Scalar(steps[i], "name") ?? $"step {i}";
            if (Scalar(steps[i], "run") is not { } script)
            {
                results.Add((name, null));
                continue;
            }

            var file = Path.Combine(scratch, $"step-{i}.sh");
            File.WriteAllText(file, script);
            var added = File.Exists(githubPath) ? File.ReadAllLines(githubPath).Where(l => l.Length > 0).Reverse() : [];
            var stepEnvironment = new Dictionary<string, string?>(environment) { ["PATH"] = string.Join(':', [.. added, environment["PATH"]]) };
            var result = await Command.RunAsync("bash", workspace, stepEnvironment, "--noprofile", "--norc", "-eo", "pipefail", file);
            results.Add((name, result));
            if (result.ExitCode != 0)
            {
                break;
            }
        }

        return results;
    }

    [GeneratedRegex(@"\$\{\{\s*(?<expr>.*?)\s*\}\}")]
    private static partial Regex Expression();
}
