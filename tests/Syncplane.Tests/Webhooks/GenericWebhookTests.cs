using System.Text;
using static Syncplane.Tests.Webhooks.WebhookTestKit;

namespace Syncplane.Tests.Webhooks;

public class GenericWebhookTests
{
    // Seed 001's repository_dispatch body, as its GitHub Actions step sends it.
    private static readonly byte[] Dispatch = Encoding.UTF8.GetBytes(
        """{"event_type": "lz-update", "client_payload": {"commit_sha": "6113728f27ae82c7b1a177c8d03f9e96e0adf246", "trigger": "landing-zone-change"}}""");

    [Fact]
    public void Receive_RepositoryDispatchStyleEvent_ExposesEventAndDottedFields()
    {
        var receiver = WebhookTestKit.Receiver("webhooks: { generic: { token: \"${env:HOOK_TOKEN}\" } }");

        var delivery = Accepted(receiver.Receive(Request("generic", Dispatch, [("Authorization", "Bearer " + Token), ("Idempotency-Key", "k-1")])));

        Assert.Equal("lz-update", delivery.EventType);
        Assert.Equal("landing-zone-change", delivery.Attributes["client_payload.trigger"]);
        Assert.Equal("k-1", delivery.DeliveryId);
    }

    [Fact]
    public void Receive_WithoutIdHeader_HasNoDeliveryId_AndFallsBackToRequestId()
    {
        var receiver = WebhookTestKit.Receiver("webhooks: { generic: { allow_unauthenticated: true } }");

        Assert.Null(Accepted(receiver.Receive(Request("generic", Dispatch, []))).DeliveryId);
        Assert.Equal("r-9", Accepted(receiver.Receive(Request("generic", Dispatch, [("X-Request-Id", "r-9")]))).DeliveryId);
    }

    [Fact]
    public void Receive_ControlCharactersInEventName_DoNotReachTheSummary()
    {
        var receiver = WebhookTestKit.Receiver("webhooks: { generic: { allow_unauthenticated: true } }");
        var body = System.Text.Encoding.UTF8.GetBytes("{\"event\": \"a\\nforged log line\"}");

        var delivery = Accepted(receiver.Receive(Request("generic", body, [])));

        Assert.Equal("a\nforged log line", delivery.EventType);
        Assert.Equal("event a forged log line", delivery.Summary);
    }

    [Fact]
    public void Receive_OverlongDeliveryId_IsBadRequest()
    {
        var receiver = WebhookTestKit.Receiver("webhooks: { generic: { allow_unauthenticated: true } }");

        Rejected(receiver.Receive(Request("generic", Dispatch, [("Idempotency-Key", new string('k', 513))])), 400, "longer than 512 characters");
        Accepted(receiver.Receive(Request("generic", Dispatch, [("Idempotency-Key", new string('k', 512))])));
    }

    [Fact]
    public void Receive_EventField_FallsBackToEventThenType()
    {
        var receiver = WebhookTestKit.Receiver("webhooks: { generic: { allow_unauthenticated: true } }");

        Assert.Equal("a", Accepted(receiver.Receive(Request("generic", Encoding.UTF8.GetBytes("""{"event": "a", "type": "b"}"""), []))).EventType);
        Assert.Equal("b", Accepted(receiver.Receive(Request("generic", Encoding.UTF8.GetBytes("""{"type": "b"}"""), []))).EventType);
        Assert.Equal("", Accepted(receiver.Receive(Request("generic", Encoding.UTF8.GetBytes("""{"x": 1}"""), []))).EventType);
    }

    [Fact]
    public void Receive_MalformedJson_IsBadRequestWithPosition()
    {
        var receiver = WebhookTestKit.Receiver("webhooks: { generic: { allow_unauthenticated: true } }");

        Rejected(receiver.Receive(Request("generic", Encoding.UTF8.GetBytes("{\"event\": \"a\",\n}"), [])), 400, "malformed JSON in the event at line 2, byte 1");
        Rejected(receiver.Receive(Request("generic", [], [])), 400, "malformed JSON");
    }
}
