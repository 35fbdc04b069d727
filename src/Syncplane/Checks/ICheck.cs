using Syncplane.Config;
using Syncplane.Engine.Process;

namespace Syncplane.Checks;

/// <summary>
/// One kind of check (<c>http</c>, <c>git</c>, …). Implementations probe and describe; they may throw, and
/// <see cref="CheckRunner"/> owns timeouts, latency and turning exceptions into a down result.
/// </summary>
internal interface ICheck
{
    /// <summary>One of <see cref="CheckKinds"/>.</summary>
    string Kind { get; }

    Task<CheckOutcome> RunAsync(CheckConfig check, CheckContext context, CancellationToken cancellationToken);
}

/// <summary>What checks get from the runner.</summary>
/// <param name="Time">The clock (certificate expiry, results' times).</param>
/// <param name="Processes">Runs git, docker and commands with timeouts and tree kill.</param>
/// <param name="Secrets">Resolves header references and redacts command output.</param>
internal sealed record CheckContext(TimeProvider Time, ProcessRunner Processes, SecretResolver Secrets);

/// <summary>Check kinds by name (case-insensitive); a duplicate name is a programming error.</summary>
internal sealed class CheckRegistry
{
    private readonly Dictionary<string, ICheck> _checks = new(StringComparer.OrdinalIgnoreCase);

    public CheckRegistry(IEnumerable<ICheck> checks)
    {
        foreach (var check in checks)
        {
            if (!_checks.TryAdd(check.Kind, check))
            {
                throw new InvalidOperationException($"two checks are registered as '{check.Kind}'");
            }
        }
    }

    /// <summary>The built-in kinds.</summary>
    public static CheckRegistry Default { get; } = new([new HttpCheck(), new DnsCheck(), new TcpCheck(), new GitCheck(), new ComposeCheck(), new CommandCheck(), new CloudRunCheck()]);

    public ICheck? Find(string kind) => _checks.GetValueOrDefault(kind);
}

/// <summary>A run log that drops every line: check output goes into results, not run logs.</summary>
internal sealed class DiscardingRunLog : Engine.IRunLog
{
    public static readonly DiscardingRunLog Instance = new();

    public void Write(Engine.LogLevel level, string message)
    {
    }
}
