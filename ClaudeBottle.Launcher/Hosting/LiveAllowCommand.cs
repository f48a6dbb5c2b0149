#pragma warning disable ASPIREINTERACTION001 // The interaction service is how Aspire asks the user; it is marked for evaluation.
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClaudeBottle.Launcher.Hosting;

/// <summary>
/// The bottle's "Allow a blocked host" command: one host its proxy refused in this run, allowed until the bottle stops,
/// after a confirmation that names it. Nothing restarts: both proxies reread their configuration. <c>--yes</c> approves
/// plans, never this: the host is chosen while the agent runs, from names the agent itself made the proxy refuse.
/// </summary>
internal static class LiveAllowCommand
{
    public const string Name = "claude-bottle-allow-host";
    public const string HostArgument = "host";

    public static void Add(IResourceBuilder<BottleResource> builder, BottleResource bottle) =>
        builder.WithCommand(Name, "Allow a blocked host", context => ExecuteAsync(context, bottle), new CommandOptions
        {
            IconName = "ShieldCheckmark",
            Description = "Allows one host the bottle's proxy refused, for the rest of this run, without restarting anything",
            Arguments =
            [
                new InteractionInput
                {
                    Name = HostArgument,
                    Label = "Host",
                    Description = "One of the hosts the proxy refused in this run, most tried first",
                    InputType = InputType.Choice,
                    Required = true,
                    // The list is loaded when the prompt opens; a value given by name (the CLI, a test) is checked below.
                    AllowCustomChoice = true,
                    DynamicLoading = new InputLoadOptions
                    {
                        AlwaysLoadOnStart = true,
                        LoadCallback = load =>
                        {
                            var hosts = Session(load.Services, bottle)?.Egress.BlockedHostNames() ?? [];
                            load.Input.Options = [.. hosts.Select(h => KeyValuePair.Create(h, NameRules.Printable(h)))];
                            return Task.CompletedTask;
                        },
                    },
                },
            ],
            UpdateState = c => BottleStates.IsRunning(c.ResourceSnapshot) ? ResourceCommandState.Enabled : ResourceCommandState.Disabled,
        });

    private static BottleSession? Session(IServiceProvider services, BottleResource bottle) =>
        services.GetRequiredService<BottleOrchestrator>().Session(bottle);

    private static async Task<ExecuteCommandResult> ExecuteAsync(ExecuteCommandContext context, BottleResource bottle)
    {
        var services = context.Services;
        if (Session(services, bottle) is not { Instance: { } asked } session)
            return CommandResults.Failure($"Bottle '{bottle.Name}' is not running; a host is allowed live only in a running bottle.");
        var host = (context.Arguments?.GetString(HostArgument) ?? "").Trim().ToLowerInvariant();
        var refused = session.Egress.BlockedHostNames();
        var refusedText = refused.Count == 0 ? "none so far" : NameRules.Printable(string.Join(", ", refused.Take(10)));
        if (!refused.Contains(host, StringComparer.Ordinal))
            return CommandResults.Failure($"'{NameRules.Printable(host)}' was not refused by bottle '{bottle.Name}' in this run; only a host its proxy " +
                                          $"refused can be allowed live (refused: {refusedText}). To allow another, add it to the manifest.");
        var live = session.Egress.LiveAllowedHosts();
        if (LiveAllowlist.Check(host, [.. bottle.Bottle.Allowlist, .. live]) is { } problem)
            return CommandResults.Failure($"{NameRules.Printable(problem)}.");

        var interaction = services.GetRequiredService<IInteractionService>();
        if (!interaction.IsAvailable)
            return CommandResults.Failure($"There is no dashboard to confirm '{host}' in; add it to the manifest instead.");
        var inspected = LiveAllowlist.Inspected(host, bottle.Bottle.Allowlist);
        var answer = await interaction.PromptConfirmationAsync($"Allow {host} in bottle '{bottle.Name}'?",
            ConfirmationText(bottle, host, inspected),
            new MessageBoxInteractionOptions { EnableMessageMarkdown = true, PrimaryButtonText = $"Allow {host}", SecondaryButtonText = "Don't allow", ShowSecondaryButton = true },
            context.CancellationToken);
        if (answer.Canceled || !answer.Data)
            return CommandResults.Canceled();

        await session.Gate.WaitAsync(context.CancellationToken);
        try
        {
            // The run the host was refused in, not a later one started while the person read the confirmation.
            if (session.Instance is not { } instance || instance != asked)
                return CommandResults.Failure($"Bottle '{bottle.Name}' stopped before '{host}' could be allowed.");
            await new LiveAllowance(services.GetRequiredService<IContainerEngine>()).AllowAsync(instance, host, context.CancellationToken);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or Docker.DotNet.DockerApiException or FormatException)
        {
            return CommandResults.Failure($"'{host}' could not be allowed in bottle '{bottle.Name}': {NameRules.Printable(e.Message)}");
        }
        finally
        {
            session.Gate.Release();
        }

        var line = LiveAllowlist.ManifestLine(bottle.Bottle, [.. live, host], ManifestFile(bottle));
        var said = $"Allowed {host} in bottle '{bottle.Name}' for the rest of this run ({(inspected ? "inspected by the edge" : "relayed by the edge without inspection")}). " +
                   $"To keep it, write in the manifest: {line}";
        services.GetRequiredService<ResourcePublisher>().Log(bottle).LogWarning("{Allowed}", said);
        services.GetRequiredService<ILoggerFactory>().CreateLogger("ClaudeBottle").LogWarning("{Allowed}", said);
        return CommandResults.Success(said);
    }

    private static string ManifestFile(BottleResource bottle) =>
        bottle.Bottle.State.ManifestFile is { Length: > 0 } file ? file : ManifestLoader.DefaultFileName;

    private static string ConfirmationText(BottleResource bottle, string host, bool inspected) =>
        $"""
        The proxy of bottle **{bottle.Name}** refused the agent's requests to **{host}**. Allowing it lets the agent reach
        it until the bottle stops, without restarting anything; the next start follows the manifest again.

        {(inspected
            ? "The edge still inspects this host's traffic: the bottle's rules, DLP on what is sent, the injection scan on what comes back."
            : "The run's CA may only sign for the manifest's domains, so the edge relays this host's TLS **unopened**: pipelock still checks the host, but nothing sent to it or received from it over TLS is scanned.")}

        To keep it, add it to `bottles.{bottle.Bottle.BottleName}.egress.allowlist` in the manifest.
        """;
}
