#pragma warning disable ASPIREINTERACTION001 // The interaction service is how Aspire asks the user; it is marked for evaluation.
using System.Reflection;
using Aspire.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace ClaudeBottle.Integration.Tests.Hosting;

/// <summary>
/// The person in the dashboard, for tests run without one: the app host's own interaction service, except that a
/// confirmation is answered with <see cref="Answer"/> and kept in <see cref="Asked"/>.
/// </summary>
public class DashboardConfirmation : DispatchProxy
{
    private object _inner = null!;

    public bool Answer { get; set; }

    public List<(string Title, string Message)> Asked { get; } = [];

    /// <summary>Replaces the app host's interaction service with one that answers so; returns it, for the test to steer.</summary>
    public static DashboardConfirmation Install(IServiceCollection services)
    {
        var original = services.Last(d => d.ServiceType == typeof(IInteractionService));
        var proxy = Create<IInteractionService, DashboardConfirmation>();
        var person = (DashboardConfirmation)(object)proxy;
        services.AddSingleton(sp =>
        {
            person._inner = original.ImplementationInstance
                ?? original.ImplementationFactory?.Invoke(sp)
                ?? ActivatorUtilities.CreateInstance(sp, original.ImplementationType!);
            return proxy;
        });
        return person;
    }

    protected override object? Invoke(MethodInfo? method, object?[]? args)
    {
        if (method!.Name == "get_IsAvailable")
            return true;
        if (method.Name != nameof(IInteractionService.PromptConfirmationAsync))
            return method.Invoke(_inner, args);
        lock (Asked)
            Asked.Add(((string)args![0]!, (string)args[1]!));
        return Task.FromResult(InteractionResult.Ok(Answer));
    }
}
