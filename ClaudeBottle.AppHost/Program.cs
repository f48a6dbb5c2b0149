using ClaudeBottle.Launcher.Cli;
using ClaudeBottle.Launcher.Hosting;

// claude-bottle's own switches come first: --help, --check, an invalid manifest or setting end here, before anything starts.
var launch = LaunchCommand.Prepare(args, Console.Out, Console.Error, Console.IsInputRedirected ? null : Console.In, Environment.GetEnvironmentVariable);
if (launch.ExitCode is { } exitCode)
    return exitCode;

var builder = DistributedApplication.CreateBuilder([.. launch.AspireArgs]);
builder.AddClaudeBottles(launch.Manifest!);

await using var app = builder.Build();
await app.RunAsync();
return app.ClaudeExitCode();
