using System.ClientModel;
using OpenAI;
using OpenAI.Files;
using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Files;

/// <summary>The official OpenAI .NET SDK, unchanged, against our /v1/files.</summary>
public sealed class OpenAiSdkTests(PlatformServer server) : IClassFixture<PlatformServer>
{
    [Fact]
    public async Task The_official_sdk_uploads_lists_retrieves_downloads_and_deletes()
    {
        var ct = TestContext.Current.CancellationToken;
        var t = await server.NewTenantAsync();
        var files = new OpenAIFileClient(new ApiKeyCredential(t.Key), new OpenAIClientOptions { Endpoint = new Uri(server.BaseAddress, "/v1") });
        var content = Uploads.Chat("Who are you?", "I am Plato.") + "\n";

        OpenAIFile uploaded = await files.UploadFileAsync(BinaryData.FromString(content), "train.jsonl", FileUploadPurpose.FineTune);
        Assert.StartsWith("file-", uploaded.Id);
        Assert.Equal("train.jsonl", uploaded.Filename);
        Assert.Equal(FilePurpose.FineTune, uploaded.Purpose);
        Assert.Equal(content.Length, uploaded.SizeInBytes);

        OpenAIFileCollection listed = await files.GetFilesAsync(ct);
        Assert.Contains(listed, f => f.Id == uploaded.Id);

        OpenAIFile retrieved = await files.GetFileAsync(uploaded.Id, ct);
        Assert.Equal(uploaded.Id, retrieved.Id);
#pragma warning disable CS0618 // OpenAI marks file status obsolete, but still sends it; we check that our value reaches the SDK.
        Assert.Equal(FileStatus.Processed, retrieved.Status);
#pragma warning restore CS0618

        BinaryData downloaded = await files.DownloadFileAsync(uploaded.Id, ct);
        Assert.Equal(content, downloaded.ToString());

        FileDeletionResult deleted = await files.DeleteFileAsync(uploaded.Id, ct);
        Assert.True(deleted.Deleted);
        var gone = await Assert.ThrowsAsync<ClientResultException>(() => files.GetFileAsync(uploaded.Id, ct));
        Assert.Equal(404, gone.Status);
    }
}
