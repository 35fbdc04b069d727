using System.Collections.Concurrent;
using System.Reflection;
using Syncplane.Storage;

namespace Syncplane.Tests.Support;

/// <summary>
/// Wraps a store: records every <see cref="ISyncStore.EnqueueAsync"/> request, and while
/// <see cref="Renewals"/> (or <see cref="Claims"/>, <see cref="Completions"/>) is false fails lease renewals (claims, completions) as if the database were unreachable.
/// Everything else passes through.
/// </summary>
internal sealed class InterceptingStore
{
    public InterceptingStore(ISyncStore inner)
    {
        Proxy = DispatchProxy.Create<ISyncStore, Forwarder>();
        var forwarder = (Forwarder)(object)Proxy;
        forwarder.Inner = inner;
        forwarder.Owner = this;
    }

    public ISyncStore Proxy { get; }

    public ConcurrentQueue<RunRequest> Enqueued { get; } = new();

    /// <summary>How many times each store method was called, by name.</summary>
    public ConcurrentDictionary<string, int> Calls { get; } = new();

    public bool Renewals { get; set; } = true;

    /// <summary>While false, claims fail as if the database were restarting.</summary>
    public bool Claims { get; set; } = true;

    /// <summary>While false, completions fail as if the database were restarting.</summary>
    public bool Completions { get; set; } = true;

    /// <summary>A method whose calls never answer: each is cancelled when its cancellation token is (a store that hangs).</summary>
    public string? Hang { get; set; }

    /// <summary>Completes when a call of <see cref="Hang"/> started hanging.</summary>
    public TaskCompletionSource Hanging { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1852:Seal internal types", Justification = "DispatchProxy generates a subclass of it")]
    public class Forwarder : DispatchProxy
    {
        internal ISyncStore Inner { get; set; } = null!;

        internal InterceptingStore Owner { get; set; } = null!;

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            Owner.Calls.AddOrUpdate(targetMethod.Name, 1, (_, n) => n + 1);
            if (targetMethod.Name == Owner.Hang)
            {
                return HangUntilCancelled(targetMethod.ReturnType.GetGenericArguments()[0], (CancellationToken)args![^1]!);
            }

            switch (targetMethod.Name)
            {
                case nameof(ISyncStore.RenewLeaseAsync) when !Owner.Renewals:
                    return Task.FromException<bool>(new IOException("connection to the store lost"));
                case nameof(ISyncStore.ClaimAsync) when !Owner.Claims:
                    return Task.FromException<RunLease?>(new IOException("the database system is starting up"));
                case nameof(ISyncStore.CompleteAndClaimAsync) when !Owner.Completions:
                    return Task.FromException<(bool, RunLease?)>(new IOException("the database system is shutting down"));
                case nameof(ISyncStore.CompleteRunAsync) when !Owner.Completions:
                    return Task.FromException<bool>(new IOException("the database system is shutting down"));
                case nameof(ISyncStore.EnqueueAsync):
                    Owner.Enqueued.Enqueue((RunRequest)args![0]!);
                    break;
                case nameof(ISyncStore.DisposeAsync):
                    return ValueTask.CompletedTask; // the test bed owns the inner store
            }

            try
            {
                return targetMethod.Invoke(Inner, args);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                throw ex.InnerException;
            }
        }

        // A Task<result> that is cancelled with the token, never completed.
        private object HangUntilCancelled(Type result, CancellationToken cancellationToken)
        {
            var source = typeof(TaskCompletionSource<>).MakeGenericType(result);
            var pending = Activator.CreateInstance(source)!;
            var cancel = source.GetMethod(nameof(TaskCompletionSource.TrySetCanceled), [typeof(CancellationToken)])!;
            cancellationToken.Register(() => cancel.Invoke(pending, [cancellationToken]));
            Owner.Hanging.TrySetResult();
            return source.GetProperty(nameof(TaskCompletionSource.Task))!.GetValue(pending)!;
        }
    }
}
