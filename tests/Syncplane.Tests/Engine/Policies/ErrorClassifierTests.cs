using System.Net;
using System.Net.Sockets;
using Syncplane.Config;
using Syncplane.Connectors.Directory;
using Syncplane.Connectors.Git;
using Syncplane.Engine.Policies;

namespace Syncplane.Tests.Engine.Policies;

public class ErrorClassifierTests
{
    public static TheoryData<Exception, ErrorKind> Cases() => new()
    {
        { new ConfigException([new ConfigError("f", 1, 1, "bad")]), ErrorKind.Permanent },
        { new SecretException("ADS_TOKEN is not set"), ErrorKind.Permanent },
        { new UnsafePathException("/dst", "../etc/passwd", "'..' escapes the root"), ErrorKind.Permanent },
        { new ArgumentException("bad option"), ErrorKind.Permanent },
        { new FormatException("not json"), ErrorKind.Permanent },
        { new IOException("disk busy"), ErrorKind.Transient },
        { new TimeoutException(), ErrorKind.Transient },
        { new TaskCanceledException("timed out"), ErrorKind.Transient },
        { new SocketException((int)SocketError.ConnectionRefused), ErrorKind.Transient },
        { new HttpRequestException("no route"), ErrorKind.Transient },
        { new HttpRequestException("bad gateway", null, HttpStatusCode.BadGateway), ErrorKind.Transient },
        { new HttpRequestException("timeout", null, HttpStatusCode.RequestTimeout), ErrorKind.Transient },
        { new HttpRequestException("not found", null, HttpStatusCode.NotFound), ErrorKind.Permanent },
        { new HttpRequestException("forbidden", null, HttpStatusCode.Forbidden), ErrorKind.Permanent },
        { new HttpRequestException("slow down", null, HttpStatusCode.TooManyRequests), ErrorKind.RateLimited },
        { new UpstreamRateLimitedException("429", TimeSpan.FromSeconds(3)), ErrorKind.RateLimited },
        { new GitException("'git fetch origin' failed with exit code 128: fatal: unable to access 'https://x/': Could not resolve host: x"), ErrorKind.Transient },
        { new GitException("'git fetch origin' failed with exit code 128: fatal: the remote end hung up unexpectedly"), ErrorKind.Transient },
        { new GitException("'git fetch' timed out and was killed"), ErrorKind.Transient },
        { new GitException("'git fetch' failed with exit code 128: remote: Repository not found."), ErrorKind.Permanent },
        { new GitException("'git fetch' failed with exit code 128: fatal: couldn't find remote ref refs/heads/nope"), ErrorKind.Permanent },
        { new GitException("'git fetch' failed with exit code 128: fatal: Authentication failed for 'https://x/'"), ErrorKind.Permanent },
        { new AggregateException(new IOException("a"), new SecretException("b")), ErrorKind.Permanent },
        { new InvalidOperationException("wrapper", new IOException("inner")), ErrorKind.Transient },
        { new InvalidOperationException("unknown"), ErrorKind.Transient },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Classify_KnownErrors_GetTheirKind(Exception error, ErrorKind expected) =>
        Assert.Equal(expected, ErrorClassifier.Classify(error));
}
