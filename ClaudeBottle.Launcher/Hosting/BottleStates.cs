using Aspire.Hosting.ApplicationModel;

namespace ClaudeBottle.Launcher.Hosting;

/// <summary>Which commands make sense in which state.</summary>
internal static class BottleStates
{
    private static readonly HashSet<string> Startable =
    [
        KnownResourceStates.NotStarted, KnownResourceStates.Exited, KnownResourceStates.Finished, KnownResourceStates.FailedToStart,
    ];

    private static readonly HashSet<string> Stoppable =
    [
        KnownResourceStates.Running, KnownResourceStates.Starting, KnownResourceStates.Waiting, KnownResourceStates.RuntimeUnhealthy,
    ];

    public static bool CanStart(CustomResourceSnapshot snapshot) => snapshot.State?.Text is null || Startable.Contains(snapshot.State.Text);

    public static bool CanStop(CustomResourceSnapshot snapshot) => snapshot.State?.Text is { } s && Stoppable.Contains(s);

    public static bool IsRunning(CustomResourceSnapshot snapshot) => snapshot.State?.Text == KnownResourceStates.Running;
}
