using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Syncplane.Tests.Support;

namespace Syncplane.Tests.Connectors.Gcp;

/// <summary>
/// Google's OAuth 2.0 token endpoint for service accounts as documented (developers.google.com/identity/protocols/oauth2/service-account):
/// <c>POST /token</c> with <c>grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer</c> and <c>assertion</c>, a JWT signed
/// RS256 with the key's private half. It verifies the signature with the public half, the header's <c>kid</c>, and the claims
/// <c>iss</c> (the client email), <c>aud</c> (<see cref="Audience"/>, whatever the endpoint's own address), <c>scope</c>, <c>iat</c> (on <see cref="Time"/>) and
/// <c>exp</c> (an hour later), then answers <c>{access_token, expires_in, token_type}</c>; otherwise 400 <c>invalid_grant</c>.
/// </summary>
internal sealed class FakeGoogleTokenEndpoint : IAsyncDisposable
{
    /// <summary>Google's docs: "When making an access token request this value is always https://oauth2.googleapis.com/token".</summary>
    public const string Audience = "https://oauth2.googleapis.com/token";

    private const string JwtBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    private LoopbackWebApp _app = null!;
    private int _issued;

    /// <summary>The key whose public half verifies assertions, and whose id and email they must carry.</summary>
    public ServiceAccountKey? Key { get; set; }

    /// <summary>The clock <c>iat</c> is checked against (within a minute).</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>The lifetime given to tokens. <value>3600 s</value></summary>
    public int ExpiresIn { get; set; } = 3600;

    /// <summary>Tokens issued, in order.</summary>
    public ConcurrentQueue<string> Issued { get; } = new();

    /// <summary>The claims of every assertion accepted, in order.</summary>
    public ConcurrentQueue<JsonObject> Assertions { get; } = new();

    /// <summary>Why assertions were refused.</summary>
    public ConcurrentQueue<string> Refusals { get; } = new();

    public string Url => _app.BaseUrl + "/token";

    public static async Task<FakeGoogleTokenEndpoint> StartAsync()
    {
        var endpoint = new FakeGoogleTokenEndpoint();
        endpoint._app = await LoopbackWebApp.StartAsync(app => app.MapPost("/token", endpoint.HandleAsync));
        return endpoint;
    }

    public bool IsValid(string token) => Issued.Contains(token);

    private async Task HandleAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync();
        if (form["grant_type"] != JwtBearer)
        {
            await RefuseAsync(context, "unsupported_grant_type", $"grant_type is '{form["grant_type"]}'");
            return;
        }

        if (Verify(form["assertion"].ToString()) is { } why)
        {
            await RefuseAsync(context, "invalid_grant", why);
            return;
        }

        var token = $"ya29.fake-{Interlocked.Increment(ref _issued)}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}";
        Issued.Enqueue(token);
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(new JsonObject { ["access_token"] = token, ["expires_in"] = ExpiresIn, ["token_type"] = "Bearer" }.ToJsonString());
    }

    /// <summary>Null when the assertion is good, else what is wrong with it.</summary>
    private string? Verify(string assertion)
    {
        var parts = assertion.Split('.');
        if (parts.Length != 3 || Key is not { } key)
        {
            return "Invalid JWT.";
        }

        var header = JsonNode.Parse(Base64Url(parts[0]))!.AsObject();
        var claims = JsonNode.Parse(Base64Url(parts[1]))!.AsObject();
        if ((string?)header["alg"] != "RS256" || (string?)header["kid"] != key.KeyId)
        {
            return $"Invalid JWT header: alg {header["alg"]}, kid {header["kid"]}.";
        }

        if (!key.Rsa.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        {
            return "Invalid JWT Signature.";
        }

        var iat = DateTimeOffset.FromUnixTimeSeconds((long)claims["iat"]!);
        var exp = DateTimeOffset.FromUnixTimeSeconds((long)claims["exp"]!);
        string? wrong = (string?)claims["iss"] != ServiceAccountKey.ClientEmail ? "iss"
            : (string?)claims["aud"] != Audience ? "aud"
            : (string?)claims["scope"] != "https://www.googleapis.com/auth/cloud-platform" ? "scope"
            : (iat - Time.GetUtcNow()).Duration() > TimeSpan.FromMinutes(1) ? "iat"
            : exp - iat != TimeSpan.FromHours(1) ? "exp"
            : null;
        if (wrong is not null)
        {
            return $"Invalid JWT claim '{wrong}': {claims[wrong]}";
        }

        Assertions.Enqueue(claims);
        return null;
    }

    private async Task RefuseAsync(HttpContext context, string error, string description)
    {
        Refusals.Enqueue(description);
        context.Response.StatusCode = 400;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(new JsonObject { ["error"] = error, ["error_description"] = description }.ToJsonString());
    }

    private static byte[] Base64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded.PadRight(padded.Length + ((4 - (padded.Length % 4)) % 4), '='));
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
