using Docker.DotNet;
using Docker.DotNet.Models;

namespace ClaudeBottle.Launcher.Runtime;

/// <summary>A file copied out of a container (<c>docker cp</c>) for <see cref="DockerContainerEngine"/>.</summary>
internal static class ContainerFileCopy
{
    public static async Task CopyAsync(DockerClient client, string id, string path, string destination, CancellationToken ct)
    {
        // The engine sends a tar of the path, kept beside the destination first: read in place, the client's chunked
        // stream fails the tar reader's reads (measured). Its one entry must be a plain file.
        var tarFile = destination + ".tar";
        try
        {
            var archive = await client.Containers.GetArchiveFromContainerAsync(id, new ContainerPathStatParameters { Path = path }, statOnly: false, ct);
            await using (var stream = archive.Stream ?? throw new InvalidOperationException($"the engine sent nothing for {path} in container {id}"))
            await using (var file = PrivateFile(tarFile))
                await stream.CopyToAsync(file, ct);
            await using var tar = new System.Formats.Tar.TarReader(File.OpenRead(tarFile));
            var entry = await tar.GetNextEntryAsync(copyData: false, ct);
            if (entry is not { EntryType: System.Formats.Tar.TarEntryType.RegularFile or System.Formats.Tar.TarEntryType.V7RegularFile, DataStream: { } data })
                throw new InvalidOperationException($"{path} in container {id} is not a regular file");
            await using var output = PrivateFile(destination);
            await data.CopyToAsync(output, ct);
        }
        finally
        {
            File.Delete(tarFile);
        }
    }

    /// <summary>A new file only its owner reads.</summary>
    private static FileStream PrivateFile(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        return new FileStream(path, options);
    }
}
