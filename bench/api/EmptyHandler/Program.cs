// The limit for bench/api/run.sh: the same Kestrel host as `syncplane serve` (slim builder, no logging), one route
// that answers 200 with an empty body. Usage: emptyhandler URL (e.g. http://127.0.0.1:18473).
var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseUrls(args.Length > 0 ? args[0] : "http://127.0.0.1:18473");
builder.Logging.ClearProviders();
var app = builder.Build();
app.MapGet("/{**path}", () => Results.Ok());
app.Run();
