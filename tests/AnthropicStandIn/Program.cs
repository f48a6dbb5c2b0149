// A test-only stand-in for Claude's API. Claude Code in a bottle reaches it as api.anthropic.com through the bottle's
// proxy, exactly as it would the real one; it answers POST /v1/messages from the script a test gives it (text, tool
// calls, errors, slow streams), answers anything else with 200 {}, and writes every request to stdout as one JSON
// line so that the test can read what Claude sent.
using AnthropicStandIn;

var options = StandInOptions.FromEnvironment();
var script = ApiScript.Load(options.ScriptFile);
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.ListenAnyIP(options.HttpsPort, listen => listen.UseHttps(options.Certificate()));
    kestrel.ListenAnyIP(options.HttpPort);
    kestrel.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
});
var app = builder.Build();
var messages = new MessagesEndpoint(script);
app.Run(async context =>
{
    var request = await RecordedRequest.ReadAsync(context.Request);
    RequestLog.Write(request);
    if (context.Request.Method == "POST" && context.Request.Path.StartsWithSegments("/v1/messages")
        && !context.Request.Path.StartsWithSegments("/v1/messages/count_tokens"))
        await messages.AnswerAsync(request, context.Response, context.RequestAborted);
    else if (context.Request.Path.StartsWithSegments("/api/claude_code/settings"))
    {
        // No managed settings for this account, as the real API says it to an account without any.
        context.Response.StatusCode = StatusCodes.Status404NotFound;
    }
    else
    {
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(context.Request.Path.StartsWithSegments("/v1/messages/count_tokens") ? """{"input_tokens":10}""" : "{}");
    }
});
Console.Out.WriteLine($$"""{"event":"listening","https":{{options.HttpsPort}},"http":{{options.HttpPort}},"steps":{{script.Steps.Count}}}""");
await app.RunAsync();
