using ClaudeBottle.Launcher.Planning;
using System.Diagnostics;

namespace ClaudeBottle.Launcher.Telemetry;

/// <summary>
/// The launch as spans: one trace per bottle start (image build, networks, proxy start and health, agent start) and
/// one per teardown, each tagged with the bottle's name, so a slow start reads step by step in the trace view.
/// </summary>
public static class LaunchTracing
{
    /// <summary>The <see cref="ActivitySource"/> name to export.</summary>
    public const string SourceName = "ClaudeBottle.Launcher";

    /// <summary>The attribute naming the bottle, on spans and on every telemetry record relayed for it.</summary>
    public const string BottleAttribute = TelemetrySink.BottleAttribute;

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>A span for one step of <paramref name="bottle"/>; null when nobody listens.</summary>
    internal static Activity? Step(string name, string bottle, bool root = false)
    {
        // A root starts its own trace (a default parent context would still mean "the current span"). The change of
        // Activity.Current stays in the calling async method, as every change of an AsyncLocal does.
        if (root)
            Activity.Current = null;
        var activity = Source.StartActivity(name);
        activity?.SetTag(BottleAttribute, bottle);
        return activity;
    }

    /// <summary>Marks the span failed with <paramref name="reason"/> (never secret text: the reasons are our own messages).</summary>
    internal static void Fail(this Activity? activity, string reason) => activity?.SetStatus(ActivityStatusCode.Error, reason);

    /// <summary>The W3C <c>traceparent</c> of <paramref name="activity"/>, for a child process to continue its trace.</summary>
    internal static string? TraceParent(Activity? activity) =>
        activity is { IdFormat: ActivityIdFormat.W3C } ? activity.Id : null;
}
