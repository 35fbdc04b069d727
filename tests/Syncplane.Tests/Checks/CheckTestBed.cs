using Syncplane.Checks;
using Syncplane.Config;

namespace Syncplane.Tests.Checks;

/// <summary>Builds checks from YAML the way users write them, and runs them with the real runner.</summary>
internal static class CheckTestBed
{
    /// <summary>Binds <paramref name="checksYaml"/> (the body of a <c>checks:</c> section, indented two spaces) in a config under <paramref name="directory"/> (default: the temp folder).</summary>
    public static ChecksConfig Bind(string checksYaml, string? directory = null)
    {
        directory ??= Path.GetTempPath();
        var yaml = "version: 1\ntargets:\n  t: { entrypoint: ./x.sh }\nchecks:\n" + checksYaml;
        return ConfigLoader.Default.Parse(yaml, Path.Combine(directory, "syncplane.yaml")).Checks;
    }

    public static async Task<CheckResult> RunAsync(string checksYaml, string? directory = null)
    {
        directory ??= Path.GetTempPath();
        var check = Assert.Single(Bind(checksYaml, directory).Items);
        return await new CheckRunner(TimeProvider.System, new SecretResolver(directory)).RunOneAsync(check, CancellationToken.None);
    }
}
