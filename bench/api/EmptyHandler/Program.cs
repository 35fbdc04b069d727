// The limits for bench/api/run.sh: the same Kestrel host as `syncplane serve` (slim builder, no logging).
// GET / answers 200 with an empty body (the limit for tiny answers); with FILE, GET /file answers FILE's bytes,
// read once at start (the limit for an answer of that size: nothing to compute, only the bytes to send).
// Usage: emptyhandler URL [FILE] (e.g. http://127.0.0.1:18473 targets.json).
var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseUrls(args.Length > 0 ? args[0] : "http://127.0.0.1:18473");
builder.Logging.ClearProviders();
var app = builder.Build();
if (args.Length > 1)
{
    var body = File.ReadAllBytes(args[1]);
    app.MapGet("/file", () => Results.Bytes(body, "application/json; charset=utf-8"));
}

app.MapGet("/{**path}", () => Results.Ok());
app.Run();
