using System.Text;
using static Syncplane.Tests.Webhooks.WebhookTestKit;

namespace Syncplane.Tests.Webhooks;

public class CloudEventsWebhookTests
{
    private static readonly Syncplane.Webhooks.WebhookReceiver Receiver =
        WebhookTestKit.Receiver("webhooks: { cloudevents: { token: \"${env:HOOK_TOKEN}\" } }");

    private static readonly (string, string) Auth = ("Authorization", "Bearer " + Token);

    private static Syncplane.Webhooks.WebhookRequest Structured(byte[] body) =>
        Request("cloudevents", body, [("Content-Type", "application/cloudevents+json; charset=utf-8"), Auth]);

    [Fact]
    public void Receive_StructuredSpecExample_IsAccepted()
    {
        var delivery = Accepted(Receiver.Receive(Structured(Fixture("cloudevents.json-format-v1.0.2.structured.C234.json"))));

        Assert.Equal("com.example.someevent", delivery.EventType);
        Assert.Equal("/mycontext", delivery.Repository);
        Assert.Equal("/mycontext C234-1234-1234", delivery.DeliveryId);
        Assert.Equal("value", delivery.Attributes["comexampleextension1"]);
        Assert.Equal("5", delivery.Attributes["comexampleothervalue"]);
        Assert.Equal("abc", delivery.Attributes["data.appinfoA"]);
        Assert.Equal("true", delivery.Attributes["data.appinfoC"]);
    }

    [Fact]
    public void Receive_StructuredWithSubjectAndXmlData_IsAccepted()
    {
        var delivery = Accepted(Receiver.Receive(Structured(Fixture("cloudevents.spec-v1.0.2.example.json"))));

        Assert.Equal("123", delivery.Subject);
        Assert.Equal("com.github.pull_request.opened", delivery.EventType);
    }

    [Fact]
    public void Receive_GooglePubSubCloudEvent_ExposesNestedData()
    {
        var delivery = Accepted(Receiver.Receive(Structured(Fixture("cloudevents.google-pubsub.MessagePublishedData.structured.json"))));

        Assert.Equal("google.cloud.pubsub.topic.v1.messagePublished", delivery.EventType);
        Assert.Equal("attr1-value", delivery.Attributes["data.message.attributes.attr1"]);
    }

    [Fact]
    public void Receive_BinarySpecExample_ReadsCeHeadersAndJsonBody()
    {
        var (headers, body) = HttpExample("cloudevents.json-format-v1.0.2.binary.C234.http");

        var delivery = Accepted(Receiver.Receive(Request("cloudevents", body, [.. headers, Auth])));

        Assert.Equal("/mycontext C234-1234-1234", delivery.DeliveryId);
        Assert.Equal("com.example.someevent", delivery.EventType);
        Assert.Equal("value", delivery.Attributes["comexampleextension1"]);
        Assert.Equal("123", delivery.Attributes["data.appinfoB"]);
        Assert.Equal("application/json", delivery.Attributes["datacontenttype"]);
    }

    [Fact]
    public void Receive_BinaryHeaderValues_ArePercentDecoded()
    {
        var request = Request("cloudevents", [],
            [("ce-specversion", "1.0"), ("ce-id", "1"), ("ce-source", "/repos/acme%2Flz"), ("ce-type", "com.github.push"), ("ce-subject", "docs%20index"), Auth]);

        var delivery = Accepted(Receiver.Receive(request));

        Assert.Equal("/repos/acme/lz", delivery.Repository);
        Assert.Equal("docs index", delivery.Subject);
    }

    [Theory]
    [InlineData("""{"specversion":"1.0","source":"/s","type":"t"}""", "lacks required attribute(s): id")]
    [InlineData("""{"id":"1","source":"/s"}""", "lacks required attribute(s): specversion, type")]
    [InlineData("""{"specversion":"0.3","id":"1","source":"/s","type":"t"}""", "specversion '0.3'")]
    [InlineData("""{"specversion":"1.0","id":"","source":"/s","type":"t"}""", "lacks required attribute(s): id")]
    public void Receive_StructuredMissingOrBadAttributes_IsBadRequest(string body, string reason)
    {
        Rejected(Receiver.Receive(Structured(Encoding.UTF8.GetBytes(body))), 400, reason);
    }

    [Fact]
    public void Receive_BinaryMissingSource_IsBadRequest()
    {
        var request = Request("cloudevents", [], [("ce-specversion", "1.0"), ("ce-id", "1"), ("ce-type", "t"), Auth]);

        Rejected(Receiver.Receive(request), 400, "lacks required attribute(s): source");
    }

    [Fact]
    public void Receive_NeitherMode_IsBadRequest()
    {
        var request = Request("cloudevents", Fixture("cloudevents.json-format-v1.0.2.structured.C234.json"), [("Content-Type", "application/json"), Auth]);

        Rejected(Receiver.Receive(request), 400, "not a CloudEvent");
    }

    [Fact]
    public void Receive_BinaryWithMalformedJsonData_IsBadRequest()
    {
        var request = Request("cloudevents", Encoding.UTF8.GetBytes("{\"a\": }"),
            [("ce-specversion", "1.0"), ("ce-id", "1"), ("ce-source", "/s"), ("ce-type", "t"), ("Content-Type", "application/json"), Auth]);

        Rejected(Receiver.Receive(request), 400, "malformed JSON in the CloudEvent data at line 1, byte 7");
    }

    [Fact]
    public void Receive_WithoutToken_IsUnauthorizedBeforeParsing()
    {
        var request = Request("cloudevents", Encoding.UTF8.GetBytes("not json"), [("Content-Type", "application/cloudevents+json")]);

        Rejected(Receiver.Receive(request), 401, "missing token in the Authorization header");
    }
}
