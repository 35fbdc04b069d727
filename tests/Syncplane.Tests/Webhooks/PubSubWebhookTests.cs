using System.Text;
using static Syncplane.Tests.Webhooks.WebhookTestKit;

namespace Syncplane.Tests.Webhooks;

public class PubSubWebhookTests
{
    private static readonly byte[] Body = Fixture("pubsub.push-request.wrapped.json");

    [Fact]
    public void Receive_DocumentedPushRequest_TokenInQuery_IsAccepted()
    {
        var receiver = WebhookTestKit.Receiver("webhooks: { pubsub: { token: \"${env:HOOK_TOKEN}\" } }");

        var delivery = Accepted(receiver.Receive(Request("pubsub", Body, [("Content-Type", "application/json")], [("token", Token)])));

        Assert.Equal("2070443601311540", delivery.DeliveryId);
        Assert.Equal("projects/myproject/subscriptions/mysubscription", delivery.Repository);
        Assert.Equal("value", delivery.Attributes["key"]);
        Assert.Equal("message", delivery.EventType);
    }

    [Fact]
    public void Receive_TokenInQuery_WrongOrMissing_IsUnauthorized()
    {
        var receiver = WebhookTestKit.Receiver("webhooks: { pubsub: { token: \"${env:HOOK_TOKEN}\" } }");

        Rejected(receiver.Receive(Request("pubsub", Body, [], [("token", "guess")])), 401, "does not match");
        Rejected(receiver.Receive(Request("pubsub", Body, [("Authorization", "Bearer " + Token)])), 401, "missing token in the 'token' query parameter");
    }

    [Fact]
    public void Receive_TokenAsBearerHeader_IsAccepted()
    {
        var receiver = WebhookTestKit.Receiver("webhooks: { pubsub: { token: \"${env:HOOK_TOKEN}\", token_in: header } }");

        Accepted(receiver.Receive(Request("pubsub", Body, [("Authorization", "Bearer " + Token)])));
        Rejected(receiver.Receive(Request("pubsub", Body, [("Authorization", Token)])), 401, "missing token in the Authorization header");
        Rejected(receiver.Receive(Request("pubsub", Body, [], [("token", Token)])), 401, "missing token");
    }

    [Fact]
    public void Receive_TokenInCustomHeader_IsAccepted()
    {
        var receiver = WebhookTestKit.Receiver("webhooks: { pubsub: { token: \"${env:HOOK_TOKEN}\", token_in: header, token_header: X-Syncplane-Token } }");

        Accepted(receiver.Receive(Request("pubsub", Body, [("x-syncplane-token", Token)])));
    }

    [Fact]
    public void Receive_JsonData_IsExposedAsDataAttributes()
    {
        var receiver = WebhookTestKit.Receiver("webhooks: { pubsub: { token: \"${env:HOOK_TOKEN}\" } }");
        var data = Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"status\": \"Hello there\", \"n\": 3}"));
        var body = Encoding.UTF8.GetBytes($$"""{"message":{"attributes":{"eventType":"OBJECT_FINALIZE"},"data":"{{data}}","messageId":"42","publishTime":"2021-02-26T19:13:55.749Z"},"subscription":"projects/p/subscriptions/s"}""");

        var delivery = Accepted(receiver.Receive(Request("pubsub", body, [], [("token", Token)])));

        Assert.Equal("Hello there", delivery.Attributes["data.status"]);
        Assert.Equal("3", delivery.Attributes["data.n"]);
        Assert.Equal("OBJECT_FINALIZE", delivery.Attributes["eventType"]);
    }

    [Theory]
    [InlineData("""{"subscription":"projects/p/subscriptions/s"}""", "no 'message' object")]
    [InlineData("""{"message":{"data":"aGk="}}""", "no messageId")]
    [InlineData("""{"message":{"data":"not base64!","messageId":"1"}}""", "not base64")]
    [InlineData("""[1, 2]""", "must be a JSON object")]
    public void Receive_NotAPushRequest_IsBadRequest(string body, string reason)
    {
        var receiver = WebhookTestKit.Receiver("webhooks: { pubsub: { token: \"${env:HOOK_TOKEN}\" } }");

        Rejected(receiver.Receive(Request("pubsub", Encoding.UTF8.GetBytes(body), [], [("token", Token)])), 400, reason);
    }
}
