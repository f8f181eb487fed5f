using Platform.Api;

await PlatformApp.Create(args).RunAsync();
