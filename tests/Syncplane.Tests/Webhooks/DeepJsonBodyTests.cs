using System.Text;
using static Syncplane.Tests.Webhooks.WebhookTestKit;

namespace Syncplane.Tests.Webhooks;

/// <summary>System.Text.Json stops at 64 levels: a hostile body nested far deeper is a 400, never a crash.</summary>
public class DeepJsonBodyTests
{
    [Theory]
    [InlineData("[")]
    [InlineData("{\"a\":")]
    public void Receive_BodyNestedFarDeeperThanTheJsonCap_IsBadRequest(string level)
    {
        var receiver = WebhookTestKit.Receiver("webhooks: { generic: { allow_unauthenticated: true } }");
        var body = Encoding.UTF8.GetBytes("{\"event\": " + string.Concat(Enumerable.Repeat(level, 100_000)));

        Rejected(receiver.Receive(Request("generic", body, [])), 400, "malformed JSON");
    }
}
