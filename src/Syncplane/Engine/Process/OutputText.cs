namespace Syncplane.Engine.Process;

/// <summary>Helpers for the text programs print.</summary>
internal static class OutputText
{
    /// <summary>The last <paramref name="count"/> non-empty lines of <paramref name="text"/>, joined by newlines.</summary>
    public static string LastLines(string text, int count)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return string.Join('\n', lines.Skip(Math.Max(0, lines.Length - count)));
    }
}
