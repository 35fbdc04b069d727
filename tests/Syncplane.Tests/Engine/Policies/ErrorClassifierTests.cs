using System.Net;
using System.Net.Sockets;
using Syncplane.Config;
using Syncplane.Connectors.Directory;
using Syncplane.Connectors.Git;
using Syncplane.Engine.Policies;

namespace Syncplane.Tests.Engine.Policies;

public class ErrorClassifierTests
{
    public static TheoryData<Exception, string> Cases() => new()
    {
        { new ConfigException([new ConfigError("f", 1, 1, "bad")]), nameof(ErrorKind.Permanent) },
        { new SecretException("ADS_TOKEN is not set"), nameof(ErrorKind.Permanent) },
        { new UnsafePathException("/dst", "../etc/passwd", "'..' escapes the root"), nameof(ErrorKind.Permanent) },
        { new ArgumentException("bad option"), nameof(ErrorKind.Permanent) },
        { new FormatException("not json"), nameof(ErrorKind.Permanent) },
        { new IOException("disk busy"), nameof(ErrorKind.Transient) },
        { new TimeoutException(), nameof(ErrorKind.Transient) },
        { new TaskCanceledException("timed out"), nameof(ErrorKind.Transient) },
        { new SocketException((int)SocketError.ConnectionRefused), nameof(ErrorKind.Transient) },
        { new HttpRequestException("no route"), nameof(ErrorKind.Transient) },
        { new HttpRequestException("bad gateway", null, HttpStatusCode.BadGateway), nameof(ErrorKind.Transient) },
        { new HttpRequestException("timeout", null, HttpStatusCode.RequestTimeout), nameof(ErrorKind.Transient) },
        { new HttpRequestException("not found", null, HttpStatusCode.NotFound), nameof(ErrorKind.Permanent) },
        { new HttpRequestException("forbidden", null, HttpStatusCode.Forbidden), nameof(ErrorKind.Permanent) },
        { new HttpRequestException("slow down", null, HttpStatusCode.TooManyRequests), nameof(ErrorKind.RateLimited) },
        { new UpstreamRateLimitedException("429", TimeSpan.FromSeconds(3)), nameof(ErrorKind.RateLimited) },
        { new GitException("'git fetch origin' failed with exit code 128: fatal: unable to access 'https://x/': Could not resolve host: x"), nameof(ErrorKind.Transient) },
        { new GitException("'git fetch origin' failed with exit code 128: fatal: the remote end hung up unexpectedly"), nameof(ErrorKind.Transient) },
        { new GitException("'git fetch' timed out and was killed"), nameof(ErrorKind.Transient) },
        { new GitException("'git fetch' failed with exit code 128: remote: Repository not found."), nameof(ErrorKind.Permanent) },
        { new GitException("'git fetch' failed with exit code 128: fatal: couldn't find remote ref refs/heads/nope"), nameof(ErrorKind.Permanent) },
        { new GitException("'git fetch' failed with exit code 128: fatal: Authentication failed for 'https://x/'"), nameof(ErrorKind.Permanent) },
        { new AggregateException(new IOException("a"), new SecretException("b")), nameof(ErrorKind.Permanent) },
        { new InvalidOperationException("wrapper", new IOException("inner")), nameof(ErrorKind.Transient) },
        { new InvalidOperationException("unknown"), nameof(ErrorKind.Transient) },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Classify_KnownErrors_GetTheirKind(Exception error, string expected) =>
        Assert.Equal(expected, ErrorClassifier.Classify(error).ToString()); // ErrorKind is internal, theory parameters must be public
}
