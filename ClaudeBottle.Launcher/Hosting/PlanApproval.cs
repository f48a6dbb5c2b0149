#pragma warning disable ASPIREINTERACTION001 // The interaction service is how Aspire asks the user; it is marked for evaluation.
using Aspire.Hosting;
using ClaudeBottle.Launcher.Cli;
using ClaudeBottle.Launcher.Planning;
using Microsoft.Extensions.Logging;

namespace ClaudeBottle.Launcher.Hosting;

/// <summary>Asks the person in the dashboard whether a bottle's plan may start, unless every plan was approved (<c>--yes</c>).</summary>
internal sealed class PlanApproval(IInteractionService interaction, ClaudeBottleOptions options, BottleHostContext context)
{
    public async Task<bool> ApproveAsync(BottleResource bottle, ILogger log, CancellationToken ct)
    {
        if (options.AutoApprove)
            return true;
        if (!interaction.IsAvailable)
        {
            log.LogError("Bottle {Bottle} needs approval, but there is no dashboard to ask in; run with --yes to approve every plan", bottle.Name);
            return false;
        }
        var shown = ScanContext(bottle);
        var plan = PlanFormatter.Format(bottle.Bottle, context.ManifestDirectory, options.MaxBuildContextBytes);
        log.LogInformation("Waiting for approval of bottle {Bottle}'s plan in the dashboard (run with --yes to approve every plan)", bottle.Name);
        var answer = await interaction.PromptConfirmationAsync($"Start bottle '{bottle.Name}'?", ApprovalText.Markdown(plan),
            new MessageBoxInteractionOptions { EnableMessageMarkdown = true, PrimaryButtonText = "Start", SecondaryButtonText = "Don't start", ShowSecondaryButton = true },
            ct);
        if (!answer.Canceled && answer.Data)
        {
            bottle.ApprovedContext = shown;
            return true;
        }
        log.LogWarning("Bottle {Bottle} was not approved and stays stopped; use its Start command to ask again", bottle.Name);
        return false;
    }

    /// <summary>The build context's summary as the plan shows it (metadata only); null without one, or when it is refused.</summary>
    private BuildContextSummary? ScanContext(BottleResource bottle)
    {
        if (bottle.Bottle.Image is not Resolution.ImageSource.Build build)
            return null;
        try
        {
            return BuildContext.Scan(build.Context, Path.GetRelativePath(build.Context, build.Dockerfile).Replace('\\', '/'), options.MaxBuildContextBytes);
        }
        catch (Exception e) when (e is BuildContextException or IOException)
        {
            return null; // The plan shows why; the build after approval refuses it again.
        }
    }
}
