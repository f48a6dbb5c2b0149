using ClaudeBottle.Launcher;

// The app host stays thin: the Launcher owns the command line, the manifest and the resource graph.
return await ClaudeBottleApp.RunAsync(args);
