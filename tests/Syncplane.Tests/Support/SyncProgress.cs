namespace Syncplane.Tests.Support;

/// <summary>An <see cref="IProgress{T}"/> that records reports synchronously (Progress&lt;T&gt; posts them later).</summary>
internal sealed class SyncProgress(List<int> reports) : IProgress<int>
{
    public void Report(int value)
    {
        lock (reports)
        {
            reports.Add(value);
        }
    }
}
