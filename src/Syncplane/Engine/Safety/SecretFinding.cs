namespace Syncplane.Engine.Safety;

/// <summary>A line that matches a secret pattern. It never carries the matched text.</summary>
/// <param name="Key">The item's key (display path).</param>
/// <param name="Line">1-based line number.</param>
/// <param name="Pattern">The pattern as configured.</param>
internal sealed record SecretFinding(string Key, int Line, string Pattern)
{
    public override string ToString() => $"{Key}:{Line}: matches secret pattern '{Pattern}'";
}

/// <summary>A file a run would write: where it is now and the key users know it by.</summary>
internal sealed record ScanFile(string Path, string Key);

/// <summary>What a secret scan found, and which items it could not scan (binary or larger than the cap).</summary>
internal sealed record SecretScanResult(IReadOnlyList<SecretFinding> Findings, IReadOnlyList<string> Skipped, int Scanned)
{
    /// <summary>The scan as a gate: failed when anything matched, listing the findings (never the matched text).</summary>
    public GateResult ToGate()
    {
        const string gate = "secret scan";
        if (Findings.Count == 0)
        {
            var skipped = Skipped.Count > 0 ? $"; {Skipped.Count} binary or oversized files not scanned" : "";
            return GateResult.Pass(gate, $"no secret patterns found in {Scanned} files{skipped}");
        }

        return GateResult.Fail(gate,
            $"{Findings.Count} lines match secret patterns; nothing was written:\n" + string.Join('\n', Findings));
    }
}
