using System.Text;
using System.Text.Json;

namespace Syncplane.Tests.Support;

/// <summary>
/// Secret values a test plants, and the search for them in whatever Syncplane printed or stored: every value
/// and every line of it, as UTF-8, UTF-16 and JSON-escaped text (a stored log line escapes '+' as \u002B).
/// </summary>
internal sealed class SecretProbe(params string[] secrets)
{
    /// <summary>A PEM-like private key: header, base64 lines with '+' and '/', a short last line, footer.</summary>
    public const string Pem = """
        -----BEGIN SYNCPLANE TEST PRIVATE KEY-----
        MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7q1xZ+k9Tq/Fe
        p3VbYq0nLr8GxJ2uS5cTmW1hKd7oA+eR4fN6vZs/Ht9LbQjPw3XyUe0CiMgDlOa
        Kz4WnRf8Yt1Vq6Hs0PbLm2Jc9Ae5/Gd7Ix3Uo+Nw8Ep4Rv2Sk1Tl6Mh0Bj7Qi
        Zq8+w3Xe==
        -----END SYNCPLANE TEST PRIVATE KEY-----
        """;

    private readonly string[] _needles = secrets
        .SelectMany(s => s.Split(["\r\n", "\n"], StringSplitOptions.TrimEntries).Append(s))
        .Where(n => n.Length >= 4)
        .Distinct(StringComparer.Ordinal)
        .ToArray();

    /// <summary>Fails naming <paramref name="where"/> and the piece found when <paramref name="text"/> holds any of the secrets.</summary>
    public void AssertAbsent(string where, string text) => AssertAbsent(where, Encoding.UTF8.GetBytes(text));

    public void AssertAbsent(string where, byte[] bytes)
    {
        foreach (var needle in _needles)
        {
            foreach (var form in new[] { Encoding.UTF8.GetBytes(needle), Encoding.Unicode.GetBytes(needle), Encoding.UTF8.GetBytes(JsonSerializer.Serialize(needle)[1..^1]) })
            {
                Assert.False(bytes.AsSpan().IndexOf(form) >= 0, $"{where} contains the secret piece '{needle}'");
            }
        }
    }

    /// <summary>Checks every file under <paramref name="directory"/> (the SQLite database, its -wal and -shm files, state files).</summary>
    public void AssertAbsentFromFiles(string directory)
    {
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            try
            {
                AssertAbsent(file, ReadShared(file));
            }
            catch (FileNotFoundException)
            {
                // A -wal or -journal file checkpointed away while we looked.
            }
        }
    }

    // The database may be open in a running server: read without locking it out.
    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
