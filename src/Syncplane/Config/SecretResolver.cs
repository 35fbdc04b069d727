using System.Text.RegularExpressions;

namespace Syncplane.Config;

/// <summary>
/// Resolves <c>${env:NAME}</c> and <c>${file:PATH}</c> references at the moment a connector needs the value,
/// and remembers every value it handed out so <see cref="Redact"/> can mask it in anything printed or stored.
/// </summary>
public sealed partial class SecretResolver
{
    private readonly Func<string, string?> _environment;
    private readonly string _baseDirectory;
    private readonly HashSet<string> _revealed = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public SecretResolver(string baseDirectory, Func<string, string?>? environment = null)
    {
        _baseDirectory = baseDirectory;
        _environment = environment ?? Environment.GetEnvironmentVariable;
    }

    /// <summary>True when <paramref name="text"/> contains at least one secret reference.</summary>
    public static bool HasReference(string? text) => text is not null && ReferenceRegex().IsMatch(text);

    /// <summary>Checks reference syntax without resolving anything (used by validation).</summary>
    public static string? SyntaxError(string text)
    {
        foreach (Match m in LooseReferenceRegex().Matches(text))
        {
            if (!ReferenceRegex().IsMatch(m.Value))
            {
                return $"'{m.Value}' is not a secret reference; write ${{env:NAME}} or ${{file:PATH}}";
            }
        }

        return null;
    }

    /// <summary>Replaces every reference in <paramref name="text"/> with its value.</summary>
    /// <exception cref="SecretException">A referenced variable is unset or a file is missing.</exception>
    public string Resolve(string text)
    {
        return ReferenceRegex().Replace(text, m =>
        {
            var kind = m.Groups["kind"].Value;
            var name = m.Groups["name"].Value;
            string? value;
            if (kind == "env")
            {
                value = _environment(name) ?? throw new SecretException($"environment variable {name} is not set (referenced as ${{env:{name}}})");
            }
            else
            {
                var path = Path.GetFullPath(name, _baseDirectory);
                value = File.Exists(path)
                    ? File.ReadAllText(path).TrimEnd('\r', '\n')
                    : throw new SecretException($"secret file {name} does not exist (referenced as ${{file:{name}}})");
            }

            if (value.Length > 0)
            {
                lock (_gate)
                {
                    _revealed.Add(value);
                }
            }

            return value;
        });
    }

    /// <summary>Masks every secret value resolved so far.</summary>
    public string Redact(string text)
    {
        lock (_gate)
        {
            foreach (var secret in _revealed)
            {
                text = text.Replace(secret, "***", StringComparison.Ordinal);
            }
        }

        return text;
    }

    [GeneratedRegex(@"\$\{(?<kind>env|file):(?<name>[^}\s]+)\}")]
    private static partial Regex ReferenceRegex();

    [GeneratedRegex(@"\$\{[^}]*\}")]
    private static partial Regex LooseReferenceRegex();
}

/// <summary>A secret reference could not be resolved.</summary>
public sealed class SecretException(string message) : Exception(message);
