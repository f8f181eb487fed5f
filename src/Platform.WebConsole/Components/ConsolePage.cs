using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Platform.WebConsole.Auth;
using Platform.WebConsole.Queries;

namespace Platform.WebConsole.Components;

/// <summary>
/// Base of the console's pages: who is signed in, and therefore which tenants' data the page may show
/// (operators: all; a tenant: its own). Pages load in <see cref="LoadAsync"/>.
/// </summary>
public abstract class ConsolePage : ComponentBase, IDisposable
{
    private readonly CancellationTokenSource _disposed = new();

    [CascadingParameter] private Task<AuthenticationState>? AuthState { get; set; }

    protected ConsoleActor? Actor { get; private set; }
    protected ConsoleScope Scope { get; private set; } = ConsoleScope.Operators;
    protected bool CanChange => Actor?.CanChange == true;
    protected CancellationToken Aborted => _disposed.Token;

    protected override async Task OnParametersSetAsync()
    {
        Actor = AuthState is null ? null : ConsoleActor.From((await AuthState).User);
        Scope = ConsoleScope.From(Actor);
        await LoadAsync(Aborted);
    }

    protected abstract Task LoadAsync(CancellationToken cancellationToken);

    public virtual void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
        GC.SuppressFinalize(this);
    }
}
