using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Syncplane.Connectors.Directory;

namespace Syncplane.Config;

/// <summary>
/// Resolves <c>${env:NAME}</c> and <c>${file:PATH}</c> references at the moment a connector needs the value,
/// and masks secret values in anything printed or stored (<see cref="Redact"/>).
/// </summary>
/// <remarks>
/// <see cref="ForConfig"/> learns the value of every reference in the config at once, so masking never depends
/// on which target happened to resolve a secret first; values resolved later (a rotated secret file) are
/// learned too. See <see cref="SecretMask"/> for what is masked.
/// </remarks>
public sealed partial class SecretResolver
{
    private readonly Func<string, string?> _environment;
    private readonly string _baseDirectory;
    private readonly SecretMask _mask = new();
    private readonly ConcurrentDictionary<string, (FileIdentity Identity, string Value)> _files = new(StringComparer.Ordinal);

    public SecretResolver(string baseDirectory, Func<string, string?>? environment = null)
    {
        _baseDirectory = baseDirectory;
        _environment = environment ?? Environment.GetEnvironmentVariable;
    }

    /// <summary>A resolver that already masks the value of every secret reference in <paramref name="config"/>.</summary>
    public static SecretResolver ForConfig(SyncplaneConfig config, Func<string, string?>? environment = null)
    {
        var resolver = new SecretResolver(config.BaseDirectory, environment);
        resolver.Learn(config.SecretReferences);
        return resolver;
    }

    /// <summary>Every distinct secret reference in the scalars under <paramref name="root"/>, in file order.</summary>
    public static IReadOnlyList<string> ReferencesIn(ConfigNode root)
    {
        var references = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<ConfigNode>([root]);
        while (pending.TryPop(out var node))
        {
            foreach (var item in node.Items.Concat(node.Entries.Select(e => e.Value)).Reverse())
            {
                pending.Push(item);
            }

            if (node.Value is { } text && text.Contains("${", StringComparison.Ordinal))
            {
                references.AddRange(ReferenceRegex().Matches(text).Select(m => m.Value).Where(seen.Add));
            }
        }

        return references;
    }

    /// <summary>
    /// Learns the values of <paramref name="references"/> for masking; a reference that cannot be resolved now
    /// (an unset variable, a missing file) is skipped: the connector that needs it reports the error.
    /// </summary>
    public void Learn(IEnumerable<string> references)
    {
        foreach (var reference in references)
        {
            try
            {
                Resolve(reference);
            }
            catch (Exception ex) when (ex is SecretException or IOException or UnauthorizedAccessException)
            {
                // Reported by whoever needs the value.
            }
        }
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
            if (kind == "file")
            {
                return FileValue(name);
            }

            var value = _environment(name) ?? throw new SecretException($"environment variable {name} is not set (referenced as ${{env:{name}}})");
            _mask.Add(value);
            return value;
        });
    }

    // A secret file's value, read again only when another file is at its path or the file was written since it was read
    // (FileIdentity: one statx), so a rotation — rewritten in place, renamed over, a symlink swapped — is seen on the next
    // use while a webhook delivery does not read the file. Where statx is not available it is read every time.
    private string FileValue(string name)
    {
        var path = Path.GetFullPath(name, _baseDirectory);
        if (!NativeDirectoryReader.IsAvailable)
        {
            return ReadFile(name, path);
        }

        // Looked at before it is read: a write in between leaves the older identity beside the newer value, read again next time.
        FileIdentity identity;
        try
        {
            identity = NativeDirectoryReader.IdentityAt(path) ?? throw Missing(name);
        }
        catch (IOException)
        {
            return ReadFile(name, path); // cannot be looked at (permissions): the read says what is wrong, as it did
        }

        if (_files.TryGetValue(path, out var known) && known.Identity == identity)
        {
            return known.Value;
        }

        var value = ReadFile(name, path);
        _files[path] = (identity, value);
        return value;
    }

    private string ReadFile(string name, string path)
    {
        var value = File.Exists(path) ? File.ReadAllText(path).TrimEnd('\r', '\n') : throw Missing(name);
        _mask.Add(value);
        return value;
    }

    private static SecretException Missing(string name) => new($"secret file {name} does not exist (referenced as ${{file:{name}}})");

    /// <summary>Masks <paramref name="value"/> from now on: a secret obtained at run time, such as an access token.</summary>
    public void Mask(string value) => _mask.Add(value);

    /// <summary>Masks every secret value known so far (every line of a multi-line one) as <c>***</c>.</summary>
    public string Redact(string text) => _mask.Apply(text);

    [GeneratedRegex(@"\$\{(?<kind>env|file):(?<name>[^}\s]+)\}")]
    private static partial Regex ReferenceRegex();

    [GeneratedRegex(@"\$\{[^}]*\}")]
    private static partial Regex LooseReferenceRegex();
}

/// <summary>A secret reference could not be resolved.</summary>
public sealed class SecretException(string message) : Exception(message);
