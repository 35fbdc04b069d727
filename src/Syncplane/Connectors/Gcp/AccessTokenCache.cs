using Google.Apis.Auth.OAuth2;
using Google.Apis.Auth.OAuth2.Responses;
using Syncplane.Config;

namespace Syncplane.Connectors.Gcp;

/// <summary>
/// One credential's access token, kept until shortly before it expires (<see cref="Margin"/>) and shared by every run that
/// signs in with that credential, so a source syncing every 5 minutes asks the token endpoint about once an hour.
/// </summary>
/// <remarks>
/// The token's lifetime is counted from when it was asked for, on the engine's clock. A token the API refuses (401) is
/// replaced by <see cref="RenewAsync"/>; two runs that both saw it refused get one new token between them.
/// </remarks>
internal sealed class AccessTokenCache(ICredential credential, string issuer, TimeProvider time) : IDisposable
{
    /// <summary>How long before its expiry a token is replaced: 5 minutes, or half its lifetime when that is shorter.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromMinutes(5);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile Cached? _current;

    /// <summary>Where tokens come from (the key's <c>token_uri</c>, or "application default credentials"), for messages.</summary>
    public string Issuer => issuer;

    /// <summary>A token that is still good, asking for a new one only when there is none.</summary>
    public async Task<AccessToken> GetAsync(CancellationToken cancellationToken)
    {
        if (_current is { } current && time.GetUtcNow() < current.RefreshAt)
        {
            return new AccessToken(current.Value, Fresh: false);
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            return _current is { } other && time.GetUtcNow() < other.RefreshAt
                ? new AccessToken(other.Value, Fresh: false)
                : await FetchAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A new token in place of <paramref name="refused"/>, which the API answered 401 to.</summary>
    public async Task<AccessToken> RenewAsync(string refused, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return _current is { } other && other.Value != refused && time.GetUtcNow() < other.RefreshAt
                ? new AccessToken(other.Value, Fresh: false)
                : await FetchAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<AccessToken> FetchAsync(CancellationToken cancellationToken)
    {
        _current = null;
        var asked = time.GetUtcNow();
        TokenResponse token;
        try
        {
            token = await RequestAsync(cancellationToken);
        }
        catch (TokenResponseException ex)
        {
            // The endpoint's OAuth error ("invalid_grant: Invalid JWT Signature."): it names what is wrong, never the key.
            var status = ex.StatusCode is { } code ? $" ({(int)code})" : "";
            throw new HttpRequestException($"could not get an access token from {issuer}{status}: {ex.Error?.Error}{(ex.Error?.ErrorDescription is { Length: > 0 } d ? $": {d}" : "")}", null, ex.StatusCode);
        }

        if (string.IsNullOrEmpty(token.AccessToken))
        {
            throw new InvalidDataException($"{issuer} answered without an access token");
        }

        if (token.ExpiresInSeconds is { } seconds && seconds > 0)
        {
            var lifetime = TimeSpan.FromSeconds(seconds);
            _current = new Cached(token.AccessToken, asked + lifetime - (lifetime / 2 < Margin ? lifetime / 2 : Margin));
        }

        return new AccessToken(token.AccessToken, Fresh: true) { ExpiresIn = token.ExpiresInSeconds is { } s ? TimeSpan.FromSeconds(s) : null };
    }

    private async Task<TokenResponse> RequestAsync(CancellationToken cancellationToken)
    {
        switch (credential)
        {
            case ServiceCredential service: // a service-account key, the metadata server
                await service.RequestAccessTokenAsync(cancellationToken);
                return service.Token;
            case UserCredential user: // gcloud auth application-default login
                await user.RefreshTokenAsync(cancellationToken);
                return user.Token;
            default: // other kinds cache their own tokens
                return new TokenResponse { AccessToken = await ((ITokenAccess)credential).GetAccessTokenForRequestAsync(null, cancellationToken) };
        }
    }

    /// <summary>Caches live as long as the process; this is for tests and hosts that drop one.</summary>
    public void Dispose() => _gate.Dispose();

    private sealed record Cached(string Value, DateTimeOffset RefreshAt);
}

/// <summary>An access token, and whether it was just fetched (for the run log).</summary>
internal sealed record AccessToken(string Value, bool Fresh)
{
    public TimeSpan? ExpiresIn { get; init; }

    /// <summary>Never the token itself.</summary>
    public override string ToString() => "access token";
}
