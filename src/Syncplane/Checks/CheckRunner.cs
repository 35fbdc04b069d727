using Syncplane.Config;
using Syncplane.Engine.Process;

namespace Syncplane.Checks;

/// <summary>
/// Runs checks concurrently, each under its own timeout, and turns whatever happens (a result, an exception,
/// a timeout) into a <see cref="CheckResult"/>. Never throws for a failing check; only cancellation of the
/// caller's token ends a run early.
/// </summary>
public sealed class CheckRunner
{
    private readonly CheckRegistry _registry;
    private readonly CheckContext _context;
    private readonly int _maxConcurrency;

    /// <param name="time">The clock.</param>
    /// <param name="secrets">Resolves secret references in check options and redacts output.</param>
    /// <param name="maxConcurrency">Checks in flight at once. <value>64</value></param>
    public CheckRunner(TimeProvider time, SecretResolver secrets, int maxConcurrency = 64)
        : this(CheckRegistry.Default, time, secrets, maxConcurrency)
    {
    }

    internal CheckRunner(CheckRegistry registry, TimeProvider time, SecretResolver secrets, int maxConcurrency = 64)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        _registry = registry;
        _context = new CheckContext(time, new ProcessRunner(time), secrets);
        _maxConcurrency = maxConcurrency;
    }

    /// <summary>Runs every check, at most <c>maxConcurrency</c> at once; results in the order of <paramref name="checks"/>.</summary>
    public async Task<IReadOnlyList<CheckResult>> RunAsync(IEnumerable<CheckConfig> checks, CancellationToken cancellationToken)
    {
        using var slots = new SemaphoreSlim(_maxConcurrency);
        return await Task.WhenAll(checks.Select(async check =>
        {
            await slots.WaitAsync(cancellationToken);
            try
            {
                return await RunOneAsync(check, cancellationToken);
            }
            finally
            {
                slots.Release();
            }
        }));
    }

    /// <summary>Runs one check under its timeout.</summary>
    public async Task<CheckResult> RunOneAsync(CheckConfig check, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(check);
        var time = _context.Time;
        var started = time.GetTimestamp();
        CheckOutcome outcome;
        using (var timeout = new CancellationTokenSource(check.Timeout, time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token))
        {
            try
            {
                var implementation = _registry.Find(check.Kind) ?? throw new InvalidOperationException($"unknown check kind '{check.Kind}'");
                // WaitAsync: a probe that ignores its token (a stuck resolver) still ends at the timeout.
                outcome = await Task.Run(() => implementation.RunAsync(check, _context, linked.Token), linked.Token).WaitAsync(linked.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                outcome = new CheckOutcome(CheckStatus.Down, $"timed out after {DurationParser.Format(check.Timeout)}");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                outcome = new CheckOutcome(CheckStatus.Down, OneLine(ex));
            }
        }

        var latency = time.GetElapsedTime(started);
        if (outcome.Status == CheckStatus.Healthy && check.DegradedAfter is { } threshold && latency > threshold)
        {
            outcome = outcome with
            {
                Status = CheckStatus.Degraded,
                Message = $"{outcome.Message} (slow: {latency.TotalMilliseconds:0} ms, over {DurationParser.Format(threshold)})",
            };
        }

        return new CheckResult
        {
            Name = check.Name,
            Kind = check.Kind,
            Status = outcome.Status,
            LatencyMs = (long)latency.TotalMilliseconds,
            Message = _context.Secrets.Redact(outcome.Message),
            Details = outcome.Details.ToDictionary(d => d.Key, d => _context.Secrets.Redact(d.Value), StringComparer.Ordinal),
            CheckedAt = time.GetUtcNow(),
        };
    }

    private static string OneLine(Exception ex)
    {
        var message = ex.InnerException is { } inner && !ex.Message.Contains(inner.Message, StringComparison.Ordinal)
            ? $"{ex.Message}: {inner.Message}"
            : ex.Message;
        return message.ReplaceLineEndings(" ").Trim();
    }
}
