namespace Platform.Inference.Lora;

/// <summary>An adapter a request runs with: its model id (the residency key) and its PEFT folder.</summary>
public sealed record AdapterRef(string Id, string Folder);
