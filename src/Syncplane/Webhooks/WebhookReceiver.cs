using Syncplane.Config;

namespace Syncplane.Webhooks;

/// <summary>
/// Turns one inbound HTTP request into a verdict: size check (413), authentication (401), then parsing (400).
/// Authentication comes before parsing, so an unauthenticated caller learns nothing about what would parse.
/// Nothing here records, deduplicates or triggers: the host does that with an accepted <see cref="InboundDelivery"/>.
/// </summary>
/// <remarks>Secrets are resolved on every request, so a rotated <c>${file:…}</c> secret takes effect without a restart.</remarks>
public sealed class WebhookReceiver(WebhooksConfig config, SecretResolver secrets, TimeProvider time)
{
    /// <summary>Longer delivery ids are refused: the host stores them to deduplicate.</summary>
    public const int MaxDeliveryIdLength = 512;

    /// <summary>The host should stop reading a body larger than this and reject it with 413 straight away.</summary>
    public long MaxBodyBytes => config.MaxBodyBytes;

    public WebhookVerdict Receive(WebhookRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!WebhookProviders.IsKnown(request.Provider))
        {
            return WebhookVerdict.Reject(404, $"unknown webhook provider '{JsonPayload.Short(request.Provider, 40)}'; expected one of: {string.Join(", ", WebhookProviders.All)}");
        }

        if (request.Body.Length > config.MaxBodyBytes)
        {
            return WebhookVerdict.Reject(413, $"body of {request.Body.Length} bytes is larger than webhooks.max_body ({config.MaxBodyBytes} bytes)");
        }

        try
        {
            Authenticate(request);
            var now = time.GetUtcNow();
            var delivery = request.Provider switch
            {
                WebhookProviders.GitHub => GitHubPayload.Parse(request, now),
                WebhookProviders.GitLab => GitLabPayload.Parse(request, now),
                WebhookProviders.PubSub => PubSubPayload.Parse(request, now),
                WebhookProviders.CloudEvents => CloudEventPayload.Parse(request, now),
                _ => GenericPayload.Parse(request, now),
            };
            if (delivery.DeliveryId is { Length: > MaxDeliveryIdLength })
            {
                return WebhookVerdict.Reject(400, $"the delivery id is longer than {MaxDeliveryIdLength} characters");
            }

            return WebhookVerdict.Accept(delivery);
        }
        catch (WebhookRejectedException ex)
        {
            return WebhookVerdict.Reject(ex.StatusCode, ex.Message);
        }
    }

    private void Authenticate(WebhookRequest request)
    {
        var provider = request.Provider;
        if (!config.Providers.TryGetValue(provider, out var settings) || (settings.Secret is null && !settings.AllowUnauthenticated))
        {
            throw WebhookRejectedException.Unauthorized($"no secret configured for {provider} webhooks; declare one under webhooks.{provider} in syncplane.yaml");
        }

        if (settings.Secret is null)
        {
            return; // allow_unauthenticated: true, said explicitly in the config
        }

        string secret;
        try
        {
            secret = secrets.Resolve(settings.Secret);
        }
        catch (SecretException)
        {
            // The reference's name stays in the server's config; the caller only learns that it cannot be checked.
            throw WebhookRejectedException.Unauthorized($"the secret for {provider} webhooks cannot be resolved on this server");
        }

        if (secret.Length == 0)
        {
            throw WebhookRejectedException.Unauthorized($"the secret for {provider} webhooks is empty on this server");
        }

        switch (provider)
        {
            case WebhookProviders.GitHub:
                WebhookAuthenticator.VerifyGitHubSignature(request, secret);
                break;
            case WebhookProviders.GitLab:
                if (!WebhookAuthenticator.TokenEquals(request.Header("X-Gitlab-Token"), secret))
                {
                    throw WebhookRejectedException.Unauthorized(request.Header("X-Gitlab-Token") is null ? "missing X-Gitlab-Token header" : "X-Gitlab-Token does not match");
                }

                break;
            default:
                var presented = WebhookAuthenticator.PresentedToken(request, settings);
                if (!WebhookAuthenticator.TokenEquals(presented, secret))
                {
                    var where = settings.TokenIn == WebhookTokenLocation.Query ? "the 'token' query parameter" : $"the {settings.TokenHeader} header";
                    throw WebhookRejectedException.Unauthorized(presented is null ? $"missing token in {where}" : $"the token in {where} does not match");
                }

                break;
        }
    }
}
