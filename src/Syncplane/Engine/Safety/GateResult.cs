namespace Syncplane.Engine.Safety;

/// <summary>The outcome of one safety gate (a check, a drift gate, the secret scan, verification).</summary>
/// <param name="Passed">True when the run may go on.</param>
/// <param name="Gate">Which gate decided, as a user would recognise it ("pre-sync check 'Git clean'").</param>
/// <param name="Message">Why it passed or failed, with the numbers that decided.</param>
internal sealed record GateResult(bool Passed, string Gate, string Message)
{
    public static GateResult Pass(string gate, string message) => new(true, gate, message);

    /// <summary>What the run's result should mention although the gate passed (a drift gate skipped on a first sync).</summary>
    public string? Note { get; init; }

    public static GateResult Fail(string gate, string message) => new(false, gate, message);

    public override string ToString() => $"{Gate}: {Message}";
}
