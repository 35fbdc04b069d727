using System.CommandLine;
using System.Text.Json;
using Syncplane.Config;

namespace Syncplane.Cli.Commands;

internal static class ValidateCommand
{
    public static Command Create()
    {
        var config = CliOptions.Config();
        var json = CliOptions.Json();
        var command = new Command("validate", "Check the config file and report every error with file, line and column") { config, json };
        command.SetAction(result => Run(result.GetValue(config)!, result.GetValue(json)));
        return command;
    }

    private static int Run(string path, bool json)
    {
        IReadOnlyList<ConfigError> errors;
        var targets = 0;
        try
        {
            targets = ConfigLoader.Default.Load(path).Targets.Count;
            errors = [];
        }
        catch (ConfigException ex)
        {
            errors = ex.Errors;
        }

        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(
                new { valid = errors.Count == 0, targets, errors = errors.Select(e => new { file = e.File, line = e.Line, column = e.Column, message = e.Message }) },
                JsonOutput.Options));
        }
        else if (errors.Count == 0)
        {
            Console.WriteLine($"{path}: valid, {targets} target(s)");
        }
        else
        {
            foreach (var error in errors)
            {
                Console.Error.WriteLine($"error: {error}");
            }

            Console.Error.WriteLine($"{errors.Count} error(s)");
        }

        return errors.Count == 0 ? ExitCodes.Success : ExitCodes.InvalidInput;
    }
}
