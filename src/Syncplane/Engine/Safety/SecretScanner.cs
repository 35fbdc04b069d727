using System.Text;
using System.Text.RegularExpressions;

namespace Syncplane.Engine.Safety;

/// <summary>
/// Scans what a run would write for the configured <c>safety.secret_patterns</c> (regular expressions,
/// matched case-insensitively line by line) and reports <c>key:line</c> of each hit, never the text.
/// </summary>
/// <remarks>
/// Binary content (a NUL byte in the first <see cref="BinaryProbeBytes"/> bytes) and content larger than
/// <see cref="MaxContentBytes"/> are skipped and reported as skipped, not as clean. Scanning stops after
/// <c>maxFindings</c> hits.
/// </remarks>
internal sealed class SecretScanner
{
    /// <summary>Content larger than this (10 MiB) is not scanned.</summary>
    public const long MaxContentBytes = 10L * 1024 * 1024;

    /// <summary>How much of the start of the content is probed for a NUL byte: 8 KiB.</summary>
    public const int BinaryProbeBytes = 8192;

    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(2);
    private readonly (string Pattern, Regex Regex)[] _patterns;
    private readonly int _maxFindings;

    /// <exception cref="ArgumentException">A pattern is not a valid regular expression.</exception>
    public SecretScanner(IReadOnlyList<string> patterns, int maxFindings = 20)
    {
        _patterns = patterns.Select(p => (p, Compile(p))).ToArray();
        _maxFindings = maxFindings;
    }

    /// <summary>True when no patterns are configured (scanning would find nothing).</summary>
    public bool IsEmpty => _patterns.Length == 0;

    /// <summary>Null when <paramref name="pattern"/> is a valid pattern, else why not (for config validation).</summary>
    public static string? PatternError(string pattern)
    {
        try
        {
            _ = Compile(pattern);
            return null;
        }
        catch (ArgumentException ex)
        {
            return $"'{pattern}' is not a valid regular expression: {ex.Message}";
        }
    }

    /// <summary>Scans files on disk; a file that vanished is skipped.</summary>
    public async Task<SecretScanResult> ScanFilesAsync(IEnumerable<ScanFile> files, CancellationToken cancellationToken)
    {
        var findings = new List<SecretFinding>();
        var skipped = new List<string>();
        var scanned = 0;
        foreach (var file in files)
        {
            if (IsEmpty || findings.Count >= _maxFindings)
            {
                break;
            }

            FileStream stream;
            try
            {
                stream = new FileStream(file.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.Asynchronous);
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
            {
                skipped.Add(file.Key);
                continue;
            }

            await using (stream)
            {
                var found = await ScanAsync(file.Key, stream, cancellationToken);
                if (found is null)
                {
                    skipped.Add(file.Key);
                    continue;
                }

                scanned++;
                findings.AddRange(found.Take(_maxFindings - findings.Count));
            }
        }

        return new SecretScanResult(findings, skipped, scanned);
    }

    /// <summary>Scans one item's content (from any source); null when it is binary or too large to scan.</summary>
    public async Task<IReadOnlyList<SecretFinding>?> ScanAsync(string key, Stream content, CancellationToken cancellationToken)
    {
        if (content.CanSeek && content.Length - content.Position > MaxContentBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxContentBytes)
            {
                return null;
            }
        }

        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        return bytes[..Math.Min(bytes.Length, BinaryProbeBytes)].Contains((byte)0)
            ? null
            : ScanText(key, Encoding.UTF8.GetString(bytes));
    }

    /// <summary>Scans text; each line is reported once, for the first pattern it matches.</summary>
    public IReadOnlyList<SecretFinding> ScanText(string key, string text)
    {
        var findings = new List<SecretFinding>();
        var lineNumber = 0;
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            lineNumber++;
            foreach (var (pattern, regex) in _patterns)
            {
                if (regex.IsMatch(line))
                {
                    findings.Add(new SecretFinding(key, lineNumber, pattern));
                    break;
                }
            }

            if (findings.Count >= _maxFindings)
            {
                break;
            }
        }

        return findings;
    }

    private static Regex Compile(string pattern) =>
        new(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, MatchTimeout);
}
